import type { Attributes } from '../../storage/types.js';
import { asNumber, asString } from '../sanitize.js';

/**
 * The typed span columns that LLM/agent telemetry conventions fill. `operation` uses tenantry's
 * vocabulary: invoke_agent, create_agent, chat, text_completion, generate_content, embeddings,
 * execute_tool, memory, retrieval and workflow (a chain, workflow or task step that orchestrates
 * others and is no model call itself); an operation a convention names outside it is kept as sent.
 */
export interface ConventionFields {
  operation: string | null;
  model: string | null;
  provider: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  toolName: string | null;
  agentId: string | null;
  agentName: string | null;
  userId: string | null;
  conversationId: string | null;
}

export function emptyFields(): ConventionFields {
  return {
    operation: null,
    model: null,
    provider: null,
    inputTokens: null,
    outputTokens: null,
    toolName: null,
    agentId: null,
    agentName: null,
    userId: null,
    conversationId: null,
  };
}

export function clearFields(f: ConventionFields): void {
  f.operation = null;
  f.model = null;
  f.provider = null;
  f.inputTokens = null;
  f.outputTokens = null;
  f.toolName = null;
  f.agentId = null;
  f.agentName = null;
  f.userId = null;
  f.conversationId = null;
}

/** The attribute as text, or null when absent. */
export function str(a: Attributes, key: string): string | null {
  return asString(a[key]);
}

/** The attribute as a finite number (numeric strings too, as OTLP/JSON sends int64), or null. */
export function num(a: Attributes, key: string): number | null {
  return asNumber(a[key]);
}

/** Operations that are one model call: only these carry the span's own token usage. */
const MODEL_CALLS = new Set(['chat', 'text_completion', 'generate_content', 'embeddings']);

/**
 * Operations that are never a model call themselves (their tokens, when a convention reports any,
 * are the sum of the calls below them, so reading them would count those tokens twice).
 */
const NOT_MODEL_CALLS = new Set([
  'invoke_agent',
  'create_agent',
  'execute_tool',
  'workflow',
  'memory',
  'retrieval',
]);

export function isModelCall(operation: string | null): boolean {
  return operation !== null && MODEL_CALLS.has(operation);
}

export function isNeverModelCall(operation: string | null): boolean {
  return operation !== null && NOT_MODEL_CALLS.has(operation);
}

/** The part before the first dot: the AI SDK names providers `openai.chat`, `openai.responses`. */
export function providerPrefix(provider: string | null): string | null {
  if (provider === null) return null;
  const dot = provider.indexOf('.');
  return dot > 0 ? provider.slice(0, dot) : provider;
}
