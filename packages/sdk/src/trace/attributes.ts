/** Attribute names: the OTel GenAI semantic conventions, plus `tenant.id` and `tenantry.*`. */
export const ATTR_TENANT_ID = 'tenant.id';
export const ATTR_OPERATION_NAME = 'gen_ai.operation.name';
export const ATTR_AGENT_ID = 'gen_ai.agent.id';
export const ATTR_AGENT_NAME = 'gen_ai.agent.name';
export const ATTR_CONVERSATION_ID = 'gen_ai.conversation.id';
export const ATTR_USER_ID = 'user.id';
export const ATTR_RUN_INPUT = 'tenantry.run.input';
export const ATTR_ERROR_TYPE = 'error.type';
export const ATTR_PROVIDER_NAME = 'gen_ai.provider.name';
export const ATTR_REQUEST_MODEL = 'gen_ai.request.model';
export const ATTR_RESPONSE_MODEL = 'gen_ai.response.model';
export const ATTR_INPUT_TOKENS = 'gen_ai.usage.input_tokens';
export const ATTR_OUTPUT_TOKENS = 'gen_ai.usage.output_tokens';
export const ATTR_CACHE_READ_TOKENS = 'gen_ai.usage.cache_read.input_tokens';
export const ATTR_CACHE_CREATION_TOKENS = 'gen_ai.usage.cache_creation.input_tokens';
export const ATTR_REASONING_TOKENS = 'gen_ai.usage.reasoning.output_tokens';
export const ATTR_FINISH_REASONS = 'gen_ai.response.finish_reasons';
export const ATTR_INPUT_MESSAGES = 'gen_ai.input.messages';
export const ATTR_OUTPUT_MESSAGES = 'gen_ai.output.messages';
export const ATTR_TOOL_NAME = 'gen_ai.tool.name';
export const ATTR_TOOL_CALL_ID = 'gen_ai.tool.call.id';
export const ATTR_TOOL_ARGUMENTS = 'gen_ai.tool.call.arguments';
export const ATTR_TOOL_RESULT = 'gen_ai.tool.call.result';
export const ATTR_TENANTRY_OPERATION = 'tenantry.operation';
/** On an agentRun span nested in another local span (an HTTP server span): this is the run. */
export const ATTR_RUN_ROOT = 'tenantry.run.root';
/** On that outer span: its run is the agentRun inside it, so it is not a run itself. */
export const ATTR_RUN_DELEGATED = 'tenantry.run.delegated';
export const ATTR_MEMORY_STORE = 'tenantry.memory.store';
export const ATTR_MEMORY_OPERATION = 'tenantry.memory.operation';
export const ATTR_MEMORY_KEY = 'tenantry.memory.key';
export const ATTR_DATA_SOURCE_ID = 'gen_ai.data_source.id';
export const ATTR_RETRIEVAL_QUERY = 'tenantry.retrieval.query';
export const ATTR_RETRIEVAL_TOP_K = 'tenantry.retrieval.top_k';
export const ATTR_RETRIEVAL_RESULT_COUNT = 'tenantry.retrieval.result_count';
export const ATTR_REDACTED_COUNT = 'tenantry.redacted.count';

/**
 * Cuts a string to `max` characters and says so, so that a reader of the span knows the value
 * is partial (the OTel SDK's own limit truncates silently).
 */
export function truncate(value: string, max: number): string {
  if (value.length <= max) return value;
  return `${value.slice(0, max)}…[truncated ${value.length - max} chars]`;
}

/** JSON for attribute values: never throws (cycles, BigInt), since it runs on user data. */
export function toJson(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    // Plain stringify first: a replacer function makes every call several times slower.
    return JSON.stringify(value) ?? String(value);
  } catch {
    return toJsonSafely(value);
  }
}

function toJsonSafely(value: unknown): string {
  try {
    const seen = new WeakSet<object>();
    const out = JSON.stringify(value, (_key, v: unknown) => {
      if (typeof v === 'bigint') return v.toString();
      if (typeof v === 'object' && v !== null) {
        if (seen.has(v)) return '[Circular]';
        seen.add(v);
      }
      return v;
    });
    return out ?? String(value);
  } catch {
    return '[unserializable]';
  }
}
