/**
 * The one code path every helper uses to run user code inside a span: sync and async results,
 * errors marked and rethrown, and the SDK's own finishing work never throwing into user code.
 */
import { type Context, context, type SpanOptions, SpanStatusCode, trace } from '@opentelemetry/api';
import { warnOnce } from '../diag/warn.js';
import { getTracer, runtime } from '../runtime.js';
import { ATTR_ERROR_TYPE, truncate } from './attributes.js';
import { TenantrySpanHandle } from './handle.js';

/** Called once when the span ends; `error` is set when the callback threw or rejected. */
export type OnFinish = (
  handle: TenantrySpanHandle,
  result: unknown,
  error: unknown,
  durationSeconds: number,
) => void;

export function runInSpan<T>(
  name: string,
  options: SpanOptions,
  ctx: Context,
  tenantId: string | undefined,
  fn: (handle: TenantrySpanHandle) => T,
  onFinish?: OnFinish,
): T {
  const span = getTracer().startSpan(name, options, ctx);
  const handle = new TenantrySpanHandle(span, tenantId);
  const started = performance.now();
  let result: T;
  try {
    result = context.with(trace.setSpan(ctx, span), fn, undefined, handle);
  } catch (error) {
    finish(handle, undefined, error, started, onFinish);
    throw error;
  }
  if (isPromiseLike(result)) {
    return result.then(
      (value) => {
        finish(handle, value, undefined, started, onFinish);
        return value;
      },
      (error: unknown) => {
        finish(handle, undefined, error, started, onFinish);
        throw error;
      },
    ) as T;
  }
  finish(handle, result, undefined, started, onFinish);
  return result;
}

function finish(
  handle: TenantrySpanHandle,
  result: unknown,
  error: unknown,
  started: number,
  onFinish: OnFinish | undefined,
): void {
  try {
    if (error !== undefined) markError(handle, error);
    onFinish?.(handle, result, error, (performance.now() - started) / 1000);
  } catch (internal) {
    warnOnce('finish-span', `failed to finish a span: ${String(internal)}`);
  } finally {
    handle.span.end();
  }
}

/** Status ERROR, `error.type` and an exception event whose message went through the redactor. */
export function markError(handle: TenantrySpanHandle, error: unknown): void {
  const type = errorType(error);
  const rawMessage = error instanceof Error ? error.message : String(error);
  const message = redactText(handle, rawMessage);
  const attributes: Record<string, string> = {
    'exception.type': type,
    'exception.message': message,
  };
  if (error instanceof Error && error.stack !== undefined) {
    // The stack's first line repeats the message, so it is redacted the same way.
    attributes['exception.stacktrace'] = truncate(
      redactText(handle, error.stack),
      runtime.maxAttributeLength,
    );
  }
  handle.span.setAttribute(ATTR_ERROR_TYPE, type);
  handle.span.addEvent('exception', attributes);
  handle.span.setStatus({ code: SpanStatusCode.ERROR, message });
}

function redactText(handle: TenantrySpanHandle, text: string): string {
  const redacted = handle.redactToJson(text);
  return truncate(redacted, runtime.maxAttributeLength);
}

export function errorType(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.length > 0 && code.length <= 64) return code;
    return error.name || error.constructor.name || 'Error';
  }
  return typeof error;
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
