/**
 * What happens to a log call before pino writes it: errors made plain, fields and message
 * redacted once, and the line mirrored as an OTel log record when a logs pipeline exists.
 */
import { format } from 'node:util';
import { context } from '@opentelemetry/api';
import { type AnyValueMap, SeverityNumber } from '@opentelemetry/api-logs';
import { getScope } from '../context/tenant.js';
import { identityRedactor } from '../redaction/redactor.js';
import { getMetrics, runtime } from '../runtime.js';

const SEVERITY: Record<number, SeverityNumber> = {
  10: SeverityNumber.TRACE,
  20: SeverityNumber.DEBUG,
  30: SeverityNumber.INFO,
  40: SeverityNumber.WARN,
  50: SeverityNumber.ERROR,
  60: SeverityNumber.FATAL,
};

/**
 * Messages are mostly constant templates; ones the redactor found nothing in are remembered so
 * they are not scanned again. Only clean strings are kept, so the cache never holds a finding.
 */
const cleanMessages = new Set<string>();
const MAX_CLEAN_MESSAGES = 1024;
const MAX_CLEAN_MESSAGE_LENGTH = 512;

function rememberClean(key: string): void {
  if (key.length > MAX_CLEAN_MESSAGE_LENGTH) return;
  if (cleanMessages.size >= MAX_CLEAN_MESSAGES) cleanMessages.clear();
  cleanMessages.add(key);
}

/** Called when the redactor changes (init), since "clean" depends on the policy. */
export function forgetCleanMessages(): void {
  cleanMessages.clear();
}

/** Redacts the caller's fields and message once, then mirrors the line to OTel if enabled. */
export function prepare(
  args: unknown[],
  level: number,
  fixedAgent: string | undefined,
  label: string,
): unknown[] {
  const redacting = runtime.redactor !== identityRedactor;
  const otel = runtime.otelLogger;
  if (!redacting && otel === undefined) return args;

  const hasFields = typeof args[0] === 'object' && args[0] !== null;
  const rest = hasFields ? args.slice(1) : args;
  let message = rest.length === 0 ? undefined : format(...rest);
  let fields = hasFields ? plainErrors(args[0] as object) : undefined;
  if (message === undefined && args[0] instanceof Error) message = args[0].message;
  const ctx = context.active();
  const scope = getScope(ctx);

  if (redacting) {
    const tenant = { tenantId: scope?.tenantId };
    let count = 0;
    if (fields !== undefined) {
      const out = runtime.redactor(fields, tenant);
      fields = out.value as Record<string, unknown>;
      count += out.count;
    }
    // Keyed by tenant too: policies differ per tenant, so "clean" is a per-tenant verdict.
    const cleanKey = message === undefined ? '' : `${scope?.tenantId ?? ''}\u0000${message}`;
    if (message !== undefined && !cleanMessages.has(cleanKey)) {
      const out = runtime.redactor(message, tenant);
      if (out.count === 0 && out.value === message) rememberClean(cleanKey);
      message = String(out.value);
      count += out.count;
    }
    if (count > 0) getMetrics()?.recordRedactions(scope?.tenantId, count);
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
      severityText: label,
      body: message ?? '',
      attributes,
      context: ctx,
    });
  }

  const out: unknown[] = [];
  if (fields !== undefined) out.push(fields);
  if (message !== undefined) out.push(message);
  return out;
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
  let out: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(fields)) {
    if (value instanceof Error) {
      out ??= { ...(fields as Record<string, unknown>) };
      out[key] = toPlainError(value);
    }
  }
  return out ?? (fields as Record<string, unknown>);
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
