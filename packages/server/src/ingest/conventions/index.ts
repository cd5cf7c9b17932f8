import type { Attributes } from '../../storage/types.js';
import { type ConventionFields, clearFields, emptyFields, isNeverModelCall } from './fields.js';
import { readGenAi, readIdentity } from './genai.js';
import { readLangfuse } from './langfuse.js';
import { readLangSmith } from './langsmith.js';
import { readMastra } from './mastra.js';
import { readOpenInference } from './openinference.js';
import { readTraceloop } from './traceloop.js';
import { readVercelAi } from './vercel-ai.js';

export type { ConventionFields } from './fields.js';

/** Reused for every span: ingest copies the fields into its row right away. */
const fields = emptyFields();

/**
 * The typed columns of one span, from whichever LLM/agent telemetry convention it follows. The
 * original attributes are stored untouched; this only reads them.
 *
 * One attribute that only that convention sends picks the reader, most specific first: the AI SDK
 * (`ai.operationId`, also after OpenLLMetry rewrote its spans), OpenInference, Mastra, LangSmith,
 * Langfuse and OpenLLMetry span kinds; everything else, and what those leave open, is read as
 * OpenTelemetry GenAI. A span still without an operation is read by its name when that is a GenAI
 * span name, `execute_tool {tool}` or `invoke_agent {agent}` (or `execute tool: {tool}`).
 *
 * A span that orchestrates rather than calls a model (agent, tool, workflow, memory, retrieval)
 * never gets tokens: conventions report there the sum of the calls below it.
 *
 * Allocates nothing: the result is overwritten by the next call.
 */
export function readConventions(
  attributes: Attributes,
  spanName: string,
  scopeName: string,
): Readonly<ConventionFields> {
  const f = fields;
  clearFields(f);
  if (!readSpecific(f, attributes, spanName)) readGenAi(f, attributes);
  if (f.operation === null) readSpanName(f, spanName);
  readIdentity(f, attributes, scopeName);
  if (isNeverModelCall(f.operation)) {
    f.inputTokens = null;
    f.outputTokens = null;
  }
  return f;
}

/** True when a convention-specific reader claimed the span. */
function readSpecific(f: ConventionFields, a: Attributes, spanName: string): boolean {
  let kind = a['ai.operationId'];
  if (typeof kind === 'string' && readVercelAi(f, a, kind)) return true;
  kind = a['openinference.span.kind'];
  if (typeof kind === 'string') {
    readOpenInference(f, a, spanName, kind);
    return true;
  }
  kind = a['mastra.span.type'];
  if (typeof kind === 'string') {
    readMastra(f, a, kind);
    return true;
  }
  kind = a['langsmith.span.kind'];
  if (typeof kind === 'string') {
    readLangSmith(f, a, spanName, kind);
    return true;
  }
  kind = a['langfuse.observation.type'];
  if (typeof kind === 'string' && readLangfuse(f, a, spanName, kind)) return true;
  kind = a['traceloop.span.kind'];
  return typeof kind === 'string' && readTraceloop(f, a, kind);
}

/** `execute_tool search_web`, `execute tool: search_web`, `invoke_agent support`. */
function readSpanName(f: ConventionFields, name: string): void {
  if (!endsWord(name, 12)) return;
  if (name.startsWith('execute_tool') || name.startsWith('execute tool')) {
    f.operation = 'execute_tool';
    f.toolName ??= nameAfter(name, 12);
  } else if (name.startsWith('invoke_agent')) {
    f.operation = 'invoke_agent';
    f.agentName ??= nameAfter(name, 12);
  }
}

/** The first `at` characters are a word of their own: the name ends there or a space or colon follows. */
function endsWord(name: string, at: number): boolean {
  return name.length === at || (name.length > at && (name[at] === ' ' || name[at] === ':'));
}

function nameAfter(name: string, from: number): string | null {
  let i = from;
  while (i < name.length && (name[i] === ' ' || name[i] === ':')) i++;
  return i >= name.length ? null : name.slice(i);
}
