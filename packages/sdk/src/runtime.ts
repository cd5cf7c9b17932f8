/**
 * Process-wide SDK state that `init()` fills in and `shutdown()` clears. Without `init()` the
 * helpers still work against whatever TracerProvider the host registered (own NodeSDK).
 */
import { metrics, type Tracer, trace } from '@opentelemetry/api';
import type { Logger as OtelLogger } from '@opentelemetry/api-logs';
import { TenantryMetrics } from './metrics/instruments.js';
import { DEFAULT_MAX_TENANTS_PER_METRIC } from './metrics/tenant-guard.js';
import { buildRedactor, type Redactor } from './redaction/redactor.js';

export const SCOPE_NAME = '@tenantry/sdk';
export const SCOPE_VERSION = '0.1.0';

export interface Runtime {
  /** Set by init(); otherwise the global tracer, looked up on first use. */
  tracer: Tracer | undefined;
  captureContent: boolean;
  maxAttributeLength: number;
  redactor: Redactor;
  /** The redactor comes from a @tenantry/redact policy, so its clean verdicts may be cached. */
  redactorIsPolicy: boolean;
  /**
   * Set by init() (null: no metric readers, so the helpers skip building points at all);
   * otherwise built from the global MeterProvider on first use.
   */
  metrics: TenantryMetrics | null | undefined;
  /** Set by init() when logs go somewhere besides stdout (OTLP /v1/logs or a custom exporter). */
  otelLogger: OtelLogger | undefined;
}

export const DEFAULT_MAX_ATTRIBUTE_LENGTH = 4096;

let defaultRedactor: Redactor | undefined;
/** Built on first use, not at import: building reads TENANTRY_REDACT_HASH_KEY. */
const lazyDefaultRedactor: Redactor = (value, ctx) => {
  defaultRedactor ??= buildRedactor(undefined);
  return defaultRedactor(value, ctx);
};

export const runtime: Runtime = {
  tracer: undefined,
  captureContent: false,
  maxAttributeLength: DEFAULT_MAX_ATTRIBUTE_LENGTH,
  redactor: lazyDefaultRedactor,
  redactorIsPolicy: true,
  metrics: undefined,
  otelLogger: undefined,
};

export function getTracer(): Tracer {
  if (runtime.tracer === undefined) runtime.tracer = trace.getTracer(SCOPE_NAME, SCOPE_VERSION);
  return runtime.tracer;
}

export function getMetrics(): TenantryMetrics | null {
  if (runtime.metrics === undefined) {
    runtime.metrics = new TenantryMetrics(
      metrics.getMeter(SCOPE_NAME, SCOPE_VERSION),
      DEFAULT_MAX_TENANTS_PER_METRIC,
    );
  }
  return runtime.metrics;
}

export function resetRuntime(): void {
  runtime.metrics = undefined;
  runtime.otelLogger = undefined;
  runtime.tracer = undefined;
  runtime.captureContent = false;
  runtime.maxAttributeLength = DEFAULT_MAX_ATTRIBUTE_LENGTH;
  runtime.redactor = lazyDefaultRedactor;
  runtime.redactorIsPolicy = true;
}
