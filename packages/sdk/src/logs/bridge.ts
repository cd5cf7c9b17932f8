/**
 * What happens to a log call before pino writes it: errors made plain, fields and message
 * redacted once, and the line mirrored as an OTel log record when a logs pipeline exists.
 */
import { format } from 'node:util';
import type { Context } from '@opentelemetry/api';
import { type AnyValueMap, SeverityNumber } from '@opentelemetry/api-logs';
import { getScope } from '../context/tenant.js';
import { identityRedactor } from '../redaction/redactor.js';
import { getMetrics, runtime } from '../runtime.js';
import { cleanMessages, fieldsKnownClean, rememberCleanFields } from './clean-cache.js';

const SEVERITY: Record<number, SeverityNumber> = {
  10: SeverityNumber.TRACE,
  20: SeverityNumber.DEBUG,
  30: SeverityNumber.INFO,
  40: SeverityNumber.WARN,
  50: SeverityNumber.ERROR,
  60: SeverityNumber.FATAL,
};

/** Redacts the caller's fields and message once, then mirrors the line to OTel if enabled. */
export function prepare(
  args: unknown[],
  level: number,
  fixedAgent: string | undefined,
  ctx: Context,
  labels: Record<number, string>,
): unknown[] {
  const redacting = runtime.redactor !== identityRedactor;
  const otel = runtime.otelLogger;
  if (!redacting && otel === undefined) return args;

  const hasFields = typeof args[0] === 'object' && args[0] !== null;
  let message = messageOf(args, hasFields ? 1 : 0);
  let fields = hasFields ? plainErrors(args[0] as object) : undefined;
  if (message === undefined && args[0] instanceof Error) message = args[0].message;

  const scope = getScope(ctx);

  if (redacting) {
    const tenantId = scope?.tenantId;
    const cache = runtime.redactorIsPolicy;
    let count = 0;
    if (fields !== undefined && !(cache && fieldsKnownClean(tenantId, fields))) {
      const out = runtime.redactor(fields, { tenantId });
      if (cache && out.count === 0 && sameFields(fields, out.value)) {
        rememberCleanFields(tenantId, fields);
      }
      fields = out.value as Record<string, unknown>;
      count += out.count;
    }
    if (message !== undefined && !(cache && cleanMessages.has(tenantId, message))) {
      const out = runtime.redactor(message, { tenantId });
      if (cache && out.count === 0 && out.value === message) cleanMessages.add(tenantId, message);
      message = String(out.value);
      count += out.count;
    }
    if (count > 0) getMetrics()?.recordRedactions(tenantId, count);
  }

  if (otel !== undefined) {
    const attributes: AnyValueMap = {};
    if (fields !== undefined) {
      for (const [key, value] of Object.entries(fields)) {
        const error = key === 'err' ? asPlainError(value) : undefined;
        if (error === undefined) {
          attributes[key] = toAnyValue(value);
          continue;
        }
        attributes['exception.type'] = error.type;
        attributes['exception.message'] = error.message;
        if (error.stack !== undefined) attributes['exception.stacktrace'] = error.stack;
      }
    }
    if (scope !== undefined) attributes['tenant.id'] = scope.tenantId;
    const agent = fixedAgent ?? scope?.agentId;
    if (agent !== undefined) attributes['gen_ai.agent.id'] = agent;
    otel.emit({
      severityNumber: SEVERITY[level] ?? SeverityNumber.UNSPECIFIED,
      severityText: labels[level] ?? String(level),
      body: message ?? '',
      attributes,
      context: ctx,
    });
  }

  // The common case (nothing found, or every verdict cached) hands pino its own arguments back.
  const unchanged =
    args.length === (hasFields ? 2 : 1) &&
    args[hasFields ? 1 : 0] === message &&
    (hasFields ? fields === args[0] : fields === undefined);
  if (unchanged) return args;
  const out: unknown[] = [];
  if (fields !== undefined) out.push(fields);
  if (message !== undefined) out.push(message);
  return out;
}

/** The message as pino would print it; util.format only when there is something to format. */
function messageOf(args: unknown[], from: number): string | undefined {
  if (args.length <= from) return undefined;
  const first = args[from];
  if (args.length === from + 1 && typeof first === 'string') return first;
  return format(...args.slice(from));
}

function sameFields(before: Record<string, unknown>, after: unknown): boolean {
  if (typeof after !== 'object' || after === null) return false;
  const out = after as Record<string, unknown>;
  const keys = Object.keys(before);
  if (Object.keys(out).length !== keys.length) return false;
  for (const key of keys) if (!Object.is(out[key], before[key])) return false;
  return true;
}

interface PlainError {
  type: string;
  message: string;
  stack: string | undefined;
}

/**
 * Errors keep message and stack in non-enumerable properties, which a redactor walking the
 * object would not see (and pino would print unredacted). They become plain objects in pino's
 * own `{ type, message, stack }` shape first: `log.error(err)` is logged as `{ err: {...} }`.
 */
function plainErrors(fields: object): Record<string, unknown> {
  if (fields instanceof Error) return { err: toPlainError(fields) };
  const record = fields as Record<string, unknown>;
  let out: Record<string, unknown> | undefined;
  for (const key in record) {
    const value = record[key];
    if (!(value instanceof Error)) continue;
    if (out === undefined) out = { ...record };
    out[key] = toPlainError(value);
  }
  return out ?? record;
}

function toPlainError(error: Error): PlainError {
  return { type: error.name, message: error.message, stack: error.stack };
}

function asPlainError(value: unknown): PlainError | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Partial<PlainError>;
  return typeof v.type === 'string' && typeof v.message === 'string'
    ? { type: v.type, message: v.message, stack: typeof v.stack === 'string' ? v.stack : undefined }
    : undefined;
}

function toAnyValue(value: unknown): AnyValueMap[string] {
  if (value === null || value === undefined) return value;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return value;
  }
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
