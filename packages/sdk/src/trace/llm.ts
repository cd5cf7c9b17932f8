import { SpanKind } from '@opentelemetry/api';
import { getMetrics } from '../runtime.js';
import {
  ATTR_OPERATION_NAME,
  ATTR_PROVIDER_NAME,
  ATTR_REQUEST_MODEL,
  ATTR_TENANT_ID,
} from './attributes.js';
import type { LlmSpan } from './handle.js';
import { errorType, runInSpan } from './run-span.js';
import { activeRun } from './scope-or-warn.js';
import { readResponse } from './usage.js';

export interface LlmCallOptions {
  /** The requested model, e.g. 'gpt-4o-mini'. */
  model: string;
  /** `gen_ai.provider.name`, e.g. 'openai', 'anthropic', 'aws.bedrock'. */
  provider: string;
  /** `gen_ai.operation.name`; default 'chat'. */
  operation?: string;
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
    fn,
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
