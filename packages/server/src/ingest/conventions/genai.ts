import type { Attributes } from '../../storage/types.js';
import { type ConventionFields, num, str } from './fields.js';

/**
 * OpenTelemetry GenAI semantic conventions (semconv 1.45: gen_ai.operation.name, provider.name,
 * request/response model, usage.input/output_tokens), their deprecated names (gen_ai.system,
 * usage.prompt/completion_tokens) and tenantry's SDK. Also the fallback for every span no other
 * convention claims: OpenLLMetry's LLM spans, Mastra's and LangSmith's use these names too.
 */

/** OpenLLMetry instrumentations that predate gen_ai.operation.name send llm.request.type. */
const LLM_REQUEST_TYPES = new Map([
  ['chat', 'chat'],
  ['completion', 'text_completion'],
  ['embedding', 'embeddings'],
  ['rerank', 'retrieval'],
]);

export function genAiOperation(a: Attributes): string | null {
  const op = str(a, 'gen_ai.operation.name') ?? str(a, 'tenantry.operation');
  if (op !== null) return op === 'invoke_workflow' ? 'workflow' : op;
  const type = str(a, 'llm.request.type');
  return type === null ? null : (LLM_REQUEST_TYPES.get(type) ?? null);
}

export function readGenAiModel(f: ConventionFields, a: Attributes): void {
  f.model = str(a, 'gen_ai.request.model') ?? str(a, 'gen_ai.response.model');
  f.provider = str(a, 'gen_ai.provider.name') ?? str(a, 'gen_ai.system');
}

export function readGenAiUsage(f: ConventionFields, a: Attributes): void {
  f.inputTokens = num(a, 'gen_ai.usage.input_tokens') ?? num(a, 'gen_ai.usage.prompt_tokens');
  f.outputTokens = num(a, 'gen_ai.usage.output_tokens') ?? num(a, 'gen_ai.usage.completion_tokens');
}

export function readGenAi(f: ConventionFields, a: Attributes): void {
  f.operation = genAiOperation(a);
  readGenAiModel(f, a);
  readGenAiUsage(f, a);
  f.toolName = str(a, 'gen_ai.tool.name');
}

/**
 * Agent, user and conversation, for whatever a convention reader left empty: gen_ai.agent.*,
 * user.id (enduser.id deprecated), gen_ai.conversation.id, session.id (OpenInference, Langfuse), and
 * OpenLLMetry's association properties on the spans of its own instrumentations and the AI SDK.
 */
export function readIdentity(f: ConventionFields, a: Attributes, scopeName: string): void {
  f.agentId ??= str(a, 'gen_ai.agent.id');
  f.agentName ??= str(a, 'gen_ai.agent.name');
  f.userId ??= str(a, 'user.id') ?? str(a, 'enduser.id');
  f.conversationId ??= str(a, 'gen_ai.conversation.id') ?? str(a, 'session.id');
  if (
    (f.userId === null || f.conversationId === null) &&
    (scopeName === 'ai' ||
      scopeName.startsWith('@traceloop/') ||
      a['traceloop.span.kind'] !== undefined)
  ) {
    f.userId ??=
      str(a, 'traceloop.association.properties.user_id') ??
      str(a, 'traceloop.association.properties.userId');
    f.conversationId ??=
      str(a, 'traceloop.association.properties.session_id') ??
      str(a, 'traceloop.association.properties.sessionId') ??
      str(a, 'traceloop.association.properties.conversationId');
  }
}
