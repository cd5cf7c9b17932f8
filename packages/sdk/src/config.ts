/**
 * init() options, their defaults, and the one place environment variables are read
 * (`loadConfig()`, called by init(), never at import).
 */
import type { Attributes } from '@opentelemetry/api';
import type { LogRecordExporter } from '@opentelemetry/sdk-logs';
import type { IMetricReader } from '@opentelemetry/sdk-metrics';
import type { BufferConfig, Sampler, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { DEFAULT_MAX_TENANTS_PER_METRIC } from './metrics/tenant-guard.js';
import type { RedactOption } from './redaction/redactor.js';
import { DEFAULT_MAX_ATTRIBUTE_LENGTH } from './runtime.js';

export type ExporterChoice = 'console' | 'otlp' | 'none' | SpanExporter;

export interface InitOptions {
  /** Defaults to OTEL_SERVICE_NAME, then 'unknown_service'. */
  serviceName?: string;
  /** Where spans go. Default: 'otlp' when an endpoint is configured, else 'console'. */
  exporter?: ExporterChoice;
  /** Console exporter output: an indented tree per trace (default) or one JSON line per span. */
  consoleFormat?: 'tree' | 'json';
  /** Console exporter destination; default process.stdout. */
  consoleStream?: NodeJS.WritableStream;
  /** OTLP base URL; `/v1/traces`, `/v1/logs`, `/v1/metrics` are appended. Env: OTEL_EXPORTER_OTLP_ENDPOINT. */
  endpoint?: string;
  /** Sent as `Authorization: Bearer <apiKey>` to the OTLP endpoint. Env: TENANTRY_INGEST_KEY. */
  apiKey?: string;
  /** Extra OTLP headers; merged over OTEL_EXPORTER_OTLP_HEADERS. */
  headers?: Record<string, string>;
  /** Record tool results and other content (redacted). Off by default. */
  captureContent?: boolean;
  /**
   * Redaction of run input, tool arguments, captured content, exception messages and log fields.
   * Default: @tenantry/redact with its default policy. A policy object, a Redactor, a hook
   * `(value, { tenantId }) => value`, or `false` to record values as they are.
   */
  redact?: RedactOption;
  /**
   * Which runs are traced: a fraction of new traces (parent-based, so a run is kept or dropped
   * whole; default 1) or any OTel Sampler.
   */
  sampling?: number | Sampler;
  /** Longer string attributes are cut with a `…[truncated N chars]` marker. Default 4096. */
  maxAttributeLength?: number;
  /** BatchSpanProcessor tuning. */
  batch?: BufferConfig;
  resourceAttributes?: Attributes;
  metrics?: MetricsOptions;
  logs?: LogsOptions;
  /**
   * Export what is still queued when the process ends: when its event loop empties, and on
   * SIGTERM/SIGINT (then the signal's default exit follows, unless the app handles the signal
   * itself). Waits at most `timeoutMillis` (default 5000). Default on; `false` turns it off.
   */
  flushOnExit?: boolean | { timeoutMillis?: number };
}

export interface MetricsOptions {
  /** 'otlp' sends to `${endpoint}/v1/metrics` with delta temporality. Default: 'otlp' when spans go over OTLP. */
  exporter?: 'otlp' | 'none';
  exportIntervalMillis?: number;
  /** Extra readers, e.g. an in-memory reader in tests. */
  readers?: IMetricReader[];
  /** Serve a Prometheus scrape endpoint (cumulative, as Prometheus expects). */
  prometheus?: { port?: number; host?: string; endpoint?: string };
  /** Distinct tenants per metric before points go to tenant.id="__overflow__". Default 2000. */
  maxTenantsPerMetric?: number;
}

export interface LogsOptions {
  /** Where getLogger() lines go besides stdout. Default: 'otlp' when spans go over OTLP. */
  exporter?: 'otlp' | 'none' | LogRecordExporter;
}

export interface ResolvedConfig {
  serviceName: string;
  exporter: ExporterChoice;
  consoleFormat: 'tree' | 'json';
  consoleStream: NodeJS.WritableStream | undefined;
  endpoint: string | undefined;
  headers: Record<string, string>;
  captureContent: boolean;
  redact: RedactOption | undefined;
  sampling: number | Sampler;
  maxAttributeLength: number;
  batch: BufferConfig;
  resourceAttributes: Attributes;
  metrics: {
    exporter: 'otlp' | 'none';
    exportIntervalMillis: number;
    readers: IMetricReader[];
    prometheus: { port?: number; host?: string; endpoint?: string } | undefined;
    maxTenantsPerMetric: number;
  };
  logs: { exporter: 'otlp' | 'none' | LogRecordExporter };
  /** undefined: no flush at exit. */
  flushOnExit: { timeoutMillis: number } | undefined;
}

export const DEFAULTS = {
  serviceName: 'unknown_service',
  consoleFormat: 'tree',
  captureContent: false,
  sampling: 1,
  maxAttributeLength: DEFAULT_MAX_ATTRIBUTE_LENGTH,
  batch: { maxQueueSize: 2048, maxExportBatchSize: 512, scheduledDelayMillis: 1000 },
  exportIntervalMillis: 10_000,
  maxTenantsPerMetric: DEFAULT_MAX_TENANTS_PER_METRIC,
  flushOnExitTimeoutMillis: 5000,
} as const;

/** Environment variable holding the ingest key (the one key kind a process that sends needs). */
export const INGEST_KEY_ENV = 'TENANTRY_INGEST_KEY';

export function loadConfig(
  options: InitOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): ResolvedConfig {
  const endpoint = stripSlash(options.endpoint ?? nonEmpty(env.OTEL_EXPORTER_OTLP_ENDPOINT));
  const headers = { ...parseHeaders(env.OTEL_EXPORTER_OTLP_HEADERS), ...options.headers };
  if (options.apiKey !== undefined) headers.Authorization = `Bearer ${options.apiKey}`;
  else {
    // The env key never overrides an Authorization already given in OTEL_EXPORTER_OTLP_HEADERS.
    const envKey = nonEmpty(env[INGEST_KEY_ENV]);
    const hasAuth = Object.keys(headers).some((k) => k.toLowerCase() === 'authorization');
    if (envKey !== undefined && !hasAuth) headers.Authorization = `Bearer ${envKey}`;
  }
  const exporter = options.exporter ?? (endpoint !== undefined ? 'otlp' : 'console');
  const signalDefault = exporter === 'otlp' ? 'otlp' : 'none';
  return {
    serviceName: options.serviceName ?? nonEmpty(env.OTEL_SERVICE_NAME) ?? DEFAULTS.serviceName,
    exporter,
    consoleFormat: options.consoleFormat ?? DEFAULTS.consoleFormat,
    consoleStream: options.consoleStream,
    endpoint,
    headers,
    captureContent: options.captureContent ?? DEFAULTS.captureContent,
    redact: options.redact,
    sampling:
      typeof options.sampling === 'object'
        ? options.sampling
        : clampRatio(options.sampling ?? DEFAULTS.sampling),
    maxAttributeLength: Math.max(16, options.maxAttributeLength ?? DEFAULTS.maxAttributeLength),
    batch: { ...DEFAULTS.batch, ...options.batch },
    resourceAttributes: options.resourceAttributes ?? {},
    metrics: {
      exporter: options.metrics?.exporter ?? signalDefault,
      exportIntervalMillis: Math.max(
        100,
        options.metrics?.exportIntervalMillis ?? DEFAULTS.exportIntervalMillis,
      ),
      readers: options.metrics?.readers ?? [],
      prometheus: options.metrics?.prometheus,
      maxTenantsPerMetric: Math.max(
        1,
        options.metrics?.maxTenantsPerMetric ?? DEFAULTS.maxTenantsPerMetric,
      ),
    },
    logs: { exporter: options.logs?.exporter ?? signalDefault },
    flushOnExit: flushOnExit(options.flushOnExit),
  };
}

function flushOnExit(option: InitOptions['flushOnExit']): ResolvedConfig['flushOnExit'] {
  if (option === false) return undefined;
  const asked = typeof option === 'object' ? option.timeoutMillis : undefined;
  const timeoutMillis =
    asked !== undefined && Number.isFinite(asked) ? asked : DEFAULTS.flushOnExitTimeoutMillis;
  // Bounded both ways: zero would never export, an hour would hang a deploy's rollout.
  return { timeoutMillis: Math.min(60_000, Math.max(100, timeoutMillis)) };
}

/** OTEL_EXPORTER_OTLP_HEADERS: `k1=v1,k2=v2`, values URL-encoded per the OTel spec. */
export function parseHeaders(raw: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (raw === undefined) return out;
  for (const pair of raw.split(',')) {
    const at = pair.indexOf('=');
    if (at <= 0) continue;
    const key = pair.slice(0, at).trim();
    const value = pair.slice(at + 1).trim();
    try {
      out[key] = decodeURIComponent(value);
    } catch {
      out[key] = value;
    }
  }
  return out;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function stripSlash(url: string | undefined): string | undefined {
  return url?.replace(/\/+$/, '');
}

function clampRatio(ratio: number): number {
  if (!Number.isFinite(ratio)) return 1;
  return Math.min(1, Math.max(0, ratio));
}
