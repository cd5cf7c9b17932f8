/**
 * getLogger(): pino with tenantry's line format. Each call writes one JSON line to the destination
 * and, when init() set up a logs pipeline, the same record as an OTel log record.
 */

import { type Context, context } from '@opentelemetry/api';
import {
  type DestinationStream,
  type Logger,
  type LoggerOptions,
  pino,
  stdSerializers,
} from 'pino';
import { warnOnce } from '../diag/warn.js';
import { prepare } from './bridge.js';
import { correlationFields } from './fields.js';

export interface GetLoggerOptions {
  /** `agent_id` on every line; default: the agent of the active run. */
  agentId?: string;
  /** Minimum level; default 'info' (or LOG_LEVEL, read when the logger is created). */
  level?: string;
  /** Where lines go; default stdout. */
  destination?: DestinationStream;
}

export type TenantryLogger = Logger;

export const LOGGER_DEFAULTS = { level: 'info' } as const;

/** getLogger()'s settings: options, then LOG_LEVEL, then defaults. */
export function loadLoggerConfig(
  options: GetLoggerOptions,
  env: NodeJS.ProcessEnv = process.env,
): { level: string; agentId: string | undefined } {
  const fromEnv = env.LOG_LEVEL?.trim();
  return {
    level: options.level ?? (fromEnv ? fromEnv : LOGGER_DEFAULTS.level),
    agentId: options.agentId,
  };
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

let callContext: Context | undefined;

export function getLogger(options: GetLoggerOptions = {}): TenantryLogger {
  const config = loadLoggerConfig(options);
  const fixedAgent = config.agentId;
  const pinoOptions: LoggerOptions = {
    level: config.level,
    base: undefined,
    messageKey: 'message',
    timestamp: isoTimestamp,
    formatters: { level: (label) => ({ level: label }) },
    // Errors arrive here already turned into redacted `{ type, message, stack }` objects, which
    // pino's own err serializer would relabel as type "Object".
    serializers: { err: (v: unknown) => (v instanceof Error ? stdSerializers.err(v) : v) },
    mixin: () => correlationFields(callContext ?? context.active(), fixedAgent),
    hooks: {
      logMethod(args, method, level) {
        // Read once per call and shared with the mixin, which pino runs inside method.apply.
        callContext = context.active();
        let out = args as unknown[];
        try {
          out = prepare(out, level, fixedAgent, callContext, this.levels.labels);
        } catch (error) {
          warnOnce('log-bridge', `log record not bridged to OTel: ${String(error)}`);
        }
        try {
          return method.apply(this, out as Parameters<typeof method>);
        } finally {
          callContext = undefined;
        }
      },
    },
  };
  return options.destination !== undefined
    ? pino(pinoOptions, options.destination)
    : pino(pinoOptions);
}
