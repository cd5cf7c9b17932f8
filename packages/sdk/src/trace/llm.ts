import { SpanKind } from '@opentelemetry/api';
import { getMetrics, runtime } from '../runtime.js';
import {
  ATTR_INPUT_MESSAGES,
  ATTR_OPERATION_NAME,
  ATTR_OUTPUT_MESSAGES,
  ATTR_PROVIDER_NAME,
  ATTR_REQUEST_MODEL,
  ATTR_TENANT_ID,
  truncate,
} from './attributes.js';
import type { LlmSpan } from './handle.js';
import { errorType, runInSpan } from './run-span.js';
import { activeRun } from './scope-or-warn.js';
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
  const { ctx, scope } = activeRun('llmCall');
  const operation = options.operation ?? 'chat';
  const model = String(options.model);
  const provider = String(options.provider);
  const attributes: Record<string, string> = {
    [ATTR_OPERATION_NAME]: operation,
    [ATTR_PROVIDER_NAME]: provider,
    [ATTR_REQUEST_MODEL]: model,
  };
  if (scope !== undefined) attributes[ATTR_TENANT_ID] = scope.tenantId;
  return runInSpan(
    `${operation} ${model}`,
    { kind: SpanKind.CLIENT, attributes },
    ctx,
    scope?.tenantId,
    options.input !== undefined && runtime.captureContent
      ? (handle) => {
          handle.span.setAttribute(
            ATTR_INPUT_MESSAGES,
            truncate(handle.redactToJson(options.input), runtime.maxAttributeLength),
          );
          return fn(handle);
        }
      : fn,
    (handle, result, error, seconds) => {
      if (error === undefined && result !== undefined) {
        const facts = readResponse(result);
        if (handle.usage === undefined && facts.usage !== undefined)
          handle.recordUsage(facts.usage);
        if (handle.responseModel === undefined && facts.model !== undefined) {
          handle.setResponseModel(facts.model);
        }
        if (!handle.finishReasonsSet && facts.finishReasons !== undefined) {
          handle.setFinishReasons(facts.finishReasons);
        }
        const output = runtime.captureContent ? readOutput(result) : undefined;
        if (output !== undefined) {
          handle.span.setAttribute(
            ATTR_OUTPUT_MESSAGES,
            truncate(handle.redactToJson(output), runtime.maxAttributeLength),
          );
        }
      }
      if (scope === undefined) return;
      getMetrics()?.recordLlm({
        tenantId: scope.tenantId,
        operation,
        model,
        provider,
        durationSeconds: seconds,
        inputTokens: handle.usage?.inputTokens,
        outputTokens: handle.usage?.outputTokens,
        errorType: error === undefined ? undefined : errorType(error),
      });
    },
  );
}
