/**
 * getLogger(): pino with tenantry's line format. Each call writes one JSON line to the destination
 * and, when init() set up a logs pipeline, the same record as an OTel log record.
 */
import { format } from 'node:util';
import { context } from '@opentelemetry/api';
import { type AnyValueMap, SeverityNumber } from '@opentelemetry/api-logs';
import { type DestinationStream, type Logger, type LoggerOptions, pino } from 'pino';
import { getScope } from '../context/tenant.js';
import { warnOnce } from '../diag/warn.js';
import { identityRedactor } from '../redaction/redactor.js';
import { getMetrics, runtime } from '../runtime.js';
import { tenantryLogFields } from './fields.js';

export interface GetLoggerOptions {
  /** `agent_id` on every line; default: the agent of the active run. */
  agentId?: string;
  /** Minimum level; default 'info' (or LOG_LEVEL, read when the logger is created). */
  level?: string;
  /** Where lines go; default stdout. */
  destination?: DestinationStream;
}

export type TenantryLogger = Logger;

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

let lastMs = -1;
let lastStamp = '';
/** ISO 8601 with ms, formatted once per millisecond: toISOString() is the costliest part of a line. */
function isoTimestamp(): string {
  const now = Date.now();
  if (now !== lastMs) {
    lastMs = now;
    lastStamp = `,"timestamp":"${new Date(now).toISOString()}"`;
  }
  return lastStamp;
}

export function getLogger(options: GetLoggerOptions = {}): TenantryLogger {
  const fixedAgent = options.agentId;
  const pinoOptions: LoggerOptions = {
    level: options.level ?? process.env.LOG_LEVEL ?? 'info',
    base: undefined,
    messageKey: 'message',
    timestamp: isoTimestamp,
    formatters: { level: (label) => ({ level: label }) },
    mixin: () => {
      const fields = tenantryLogFields();
      if (fixedAgent !== undefined) fields.agent_id = fixedAgent;
      return fields;
    },
    hooks: {
      logMethod(args, method, level) {
        let out = args as unknown[];
        try {
          out = prepare(out, level, fixedAgent, this.levels.labels[level] ?? String(level));
        } catch (error) {
          warnOnce('log-bridge', `log record not bridged to OTel: ${String(error)}`);
        }
        return method.apply(this, out as Parameters<typeof method>);
      },
    },
  };
  return options.destination !== undefined
    ? pino(pinoOptions, options.destination)
    : pino(pinoOptions);
}

/** Redacts the caller's fields and message once, then mirrors the line to OTel if enabled. */
function prepare(
  args: unknown[],
  level: number,
  fixedAgent: string | undefined,
  label: string,
): unknown[] {
  const redacting = runtime.redactor !== identityRedactor;
  const otel = runtime.otelLogger;
  if (!redacting && otel === undefined) return args;

  const hasFields = typeof args[0] === 'object' && args[0] !== null;
  let fields = hasFields ? (args[0] as Record<string, unknown>) : undefined;
  const rest = hasFields ? args.slice(1) : args;
  let message = rest.length === 0 ? undefined : format(...rest);
  const ctx = context.active();
  const scope = getScope(ctx);

  if (redacting) {
    const tenant = { tenantId: scope?.tenantId };
    let count = 0;
    if (fields !== undefined && !(fields instanceof Error)) {
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
    if (fields instanceof Error) {
      attributes['exception.type'] = fields.name;
      attributes['exception.message'] = fields.message;
      if (fields.stack !== undefined) attributes['exception.stacktrace'] = fields.stack;
    } else if (fields !== undefined) {
      for (const [key, value] of Object.entries(fields)) attributes[key] = toAnyValue(value);
    }
    if (scope !== undefined) attributes['tenant.id'] = scope.tenantId;
    const agent = fixedAgent ?? scope?.agentId;
    if (agent !== undefined) attributes['gen_ai.agent.id'] = agent;
    otel.emit({
      severityNumber: SEVERITY[level] ?? SeverityNumber.UNSPECIFIED,
      severityText: label,
      body: message ?? (fields instanceof Error ? fields.message : ''),
      attributes,
      context: ctx,
    });
  }

  const out: unknown[] = [];
  if (fields !== undefined) out.push(fields);
  if (message !== undefined) out.push(message);
  return out;
}

function toAnyValue(value: unknown): AnyValueMap[string] {
  if (value === null || value === undefined) return value;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return value;
  }
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
