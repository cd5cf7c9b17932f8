/**
 * The one code path every helper uses to run user code inside a span: sync and async results,
 * errors marked and rethrown, and the SDK's own finishing work never throwing into user code.
 */
import { type Context, context, type SpanOptions, SpanStatusCode, trace } from '@opentelemetry/api';
import { warnOnce } from '../diag/warn.js';
import { getTracer } from '../runtime.js';
import { ATTR_ERROR_TYPE } from './attributes.js';
import { TenantrySpanHandle } from './handle.js';

/**
 * What a helper does when its span ends (`error` is set when the callback threw or rejected).
 * Defined once per helper at module level; `timed` asks for the duration (runs, model calls).
 */
export interface Finisher {
  readonly timed: boolean;
  finish(handle: TenantrySpanHandle, result: unknown, error: unknown, seconds: number): void;
}

/**
 * The finisher is defined once per helper, and what it needs per call travels on the handle
 * (`info`, `redactedCount`): no closures are allocated per span on this hot path.
 */
export function runInSpan<T>(
  name: string,
  options: SpanOptions,
  ctx: Context,
  tenantId: string | undefined,
  fn: (handle: TenantrySpanHandle) => T,
  finisher?: Finisher,
  info?: unknown,
  redactedCount = 0,
): T {
  const span = getTracer().startSpan(name, options, ctx);
  const handle = new TenantrySpanHandle(span, tenantId, info, redactedCount);
  const started = finisher?.timed === true ? performance.now() : 0;
  let result: T;
  try {
    result = context.with(trace.setSpan(ctx, span), fn, undefined, handle);
  } catch (error) {
    finish(handle, undefined, error, started, finisher);
    throw error;
  }
  if (isPromiseLike(result)) {
    return result.then(
      (value) => {
        finish(handle, value, undefined, started, finisher);
        return value;
      },
      (error: unknown) => {
        finish(handle, undefined, error, started, finisher);
        throw error;
      },
    ) as T;
  }
  finish(handle, result, undefined, started, finisher);
  return result;
}

function finish(
  handle: TenantrySpanHandle,
  result: unknown,
  error: unknown,
  started: number,
  finisher: Finisher | undefined,
): void {
  try {
    if (error !== undefined) markError(handle, error);
    finisher?.finish(
      handle,
      result,
      error,
      started === 0 ? 0 : (performance.now() - started) / 1000,
    );
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
  const message = handle.redactToJson(rawMessage);
  const attributes: Record<string, string> = {
    'exception.type': type,
    'exception.message': message,
  };
  if (error instanceof Error && error.stack !== undefined) {
    // The stack's first line repeats the message, so it is redacted the same way.
    attributes['exception.stacktrace'] = handle.redactToJson(error.stack);
  }
  handle.span.setAttribute(ATTR_ERROR_TYPE, type);
  handle.span.addEvent('exception', attributes);
  handle.span.setStatus({ code: SpanStatusCode.ERROR, message });
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
