import { context, SpanKind } from '@opentelemetry/api';
import { getMetrics, runtime } from '../runtime.js';
import {
  ATTR_INPUT_MESSAGES,
  ATTR_OPERATION_NAME,
  ATTR_OUTPUT_MESSAGES,
  ATTR_PROVIDER_NAME,
  ATTR_REDACTED_COUNT,
  ATTR_REQUEST_MODEL,
  ATTR_TENANT_ID,
} from './attributes.js';
import { type LlmSpan, redactForAttribute, type TenantrySpanHandle } from './handle.js';
import { errorType, type Finisher, runInSpan } from './run-span.js';
import { runOf } from './scope-or-warn.js';
import { readOutput, readResponse } from './usage.js';

export interface LlmCallOptions {
  /** The requested model, e.g. 'gpt-4o-mini'. */
  model: string;
  /** `gen_ai.provider.name`, e.g. 'openai', 'anthropic', 'aws.bedrock'. */
  provider: string;
  /** `gen_ai.operation.name`; default 'chat'. */
  operation?: string;
  /** The prompt or messages; recorded (redacted) as `gen_ai.input.messages` only with captureContent. */
  input?: unknown;
}

/**
 * One model call: a CLIENT span `{operation} {model}`. Usage, response model and finish reasons
 * come from `span.recordUsage(...)` etc. or, when not set, from the callback's return value.
 */
export function llmCall<T>(options: LlmCallOptions, fn: (span: LlmSpan) => T): T {
  const ctx = context.active();
  const scope = runOf(ctx, 'llmCall');
  const operation = options.operation ?? 'chat';
  const model = String(options.model);
  // Doubles as the finisher's info: the metric attributes are the same values.
  const attributes: LlmAttributes = {
    [ATTR_OPERATION_NAME]: operation,
    [ATTR_PROVIDER_NAME]: String(options.provider),
    [ATTR_REQUEST_MODEL]: model,
  };
  if (scope !== undefined) attributes[ATTR_TENANT_ID] = scope.tenantId;
  let redacted = 0;
  if (options.input !== undefined && runtime.captureContent) {
    const input = redactForAttribute(options.input, scope?.tenantId);
    attributes[ATTR_INPUT_MESSAGES] = input.text;
    redacted = input.count;
    if (redacted > 0) attributes[ATTR_REDACTED_COUNT] = redacted;
  }
  return runInSpan(
    `${operation} ${model}`,
    { kind: SpanKind.CLIENT, attributes },
    ctx,
    scope?.tenantId,
    fn,
    LLM_FINISHER,
    attributes,
    redacted,
  );
}

type LlmAttributes = Record<string, string | number>;

const LLM_FINISHER: Finisher = {
  timed: true,
  finish(handle, result, error, seconds) {
    if (error === undefined && result !== undefined) recordResponse(handle, result);
    if (handle.tenantId === undefined) return;
    const attributes = handle.info as LlmAttributes;
    getMetrics()?.recordLlm({
      tenantId: handle.tenantId,
      operation: attributes[ATTR_OPERATION_NAME] as string,
      model: attributes[ATTR_REQUEST_MODEL] as string,
      provider: attributes[ATTR_PROVIDER_NAME] as string,
      durationSeconds: seconds,
      inputTokens: handle.usage?.inputTokens,
      outputTokens: handle.usage?.outputTokens,
      errorType: error === undefined ? undefined : errorType(error),
    });
  },
};

/** Fills in from the response only what the callback did not set explicitly. */
function recordResponse(handle: TenantrySpanHandle, result: unknown): void {
  const facts = readResponse(result);
  if (handle.usage === undefined && facts.usage !== undefined) handle.recordUsage(facts.usage);
  if (handle.responseModel === undefined && facts.model !== undefined) {
    handle.setResponseModel(facts.model);
  }
  if (!handle.finishReasonsSet && facts.finishReasons !== undefined) {
    handle.setFinishReasons(facts.finishReasons);
  }
  const output = runtime.captureContent ? readOutput(result) : undefined;
  if (output !== undefined)
    handle.span.setAttribute(ATTR_OUTPUT_MESSAGES, handle.redactToJson(output));
}
