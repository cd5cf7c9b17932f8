import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOnSampler,
  ParentBasedSampler,
  type Sampler,
  type SpanExporter,
  type SpanProcessor,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { type InitOptions, loadConfig, type ResolvedConfig } from './config.js';
import { warnUnknownOptions } from './diag/unknown-options.js';
import { warnOnce } from './diag/warn.js';
import { ConsoleTreeExporter } from './export/console.js';
import { CountingBatchSpanProcessor } from './export/counting-processor.js';
import { installExitFlush } from './export/exit-flush.js';
import { forgetCleanVerdicts } from './logs/clean-cache.js';
import { AggregatedMetrics } from './metrics/aggregated.js';
import { TenantMetricsProducer } from './metrics/producer.js';
import { TenantAttributesProcessor, tenantMetricView } from './metrics/tenant-view.js';
import { createLoggerProvider, createMeterProvider, type LogDeliveryStats } from './pipelines.js';
import { buildRedactor, isPolicyRedactor, type Redactor } from './redaction/redactor.js';
import { resetRuntime, runtime, SCOPE_NAME, SCOPE_VERSION } from './runtime.js';
import { TenantSpanProcessor } from './trace/processor.js';

export interface TenantryHandle {
  /** Exports everything recorded so far. Never rejects. */
  forceFlush(): Promise<void>;
  /** Flushes and stops; the helpers keep working but record nothing. Never rejects. */
  shutdown(): Promise<void>;
  /** Spans lost so far (full queue or failed export); each kind is also warned once. */
  droppedSpans(): number;
  /** Spans the exporter acknowledged so far. */
  exportedSpans(): number;
  /** Log records lost so far (failed export); warned once. */
  droppedLogs(): number;
}

/**
 * Sets up tracing for the process: a TracerProvider with tenant stamping and batch export,
 * AsyncLocalStorage context propagation, and the redactor used by every helper.
 */
export function init(options: InitOptions = {}): TenantryHandle {
  warnUnknownOptions(options);
  const config = loadConfig(options);
  const resource = resourceFromAttributes({
    ...config.resourceAttributes,
    'service.name': config.serviceName,
  });
  const batch = new CountingBatchSpanProcessor(createExporter(config), config.batch);
  const provider = new NodeTracerProvider({
    resource,
    sampler: typeof config.sampling === 'number' ? sampler(config.sampling) : config.sampling,
    spanProcessors: [new TenantSpanProcessor(), batch],
  });
  // A second init() (tests, hot reload) replaces the first instead of being ignored by the API.
  trace.disable();
  context.disable();
  propagation.disable();
  metrics.disable();
  provider.register({ contextManager: new AsyncLocalStorageContextManager() });
  // The helpers' metrics skip the OTel metrics API (its per-point attribute hashing cost more than
  // the spans): they are aggregated here and added to each reader's collections.
  const tenantMetrics = new AggregatedMetrics(config.metrics.maxTenantsPerMetric);
  const meterProvider = createMeterProvider(
    config,
    resource,
    tenantMetricView(
      new TenantAttributesProcessor(tenantMetrics.overflow, config.metrics.maxTenantsPerMetric),
    ),
    new TenantMetricsProducer({ name: SCOPE_NAME, version: SCOPE_VERSION }, tenantMetrics.streams),
  );
  if (meterProvider !== undefined) metrics.setGlobalMeterProvider(meterProvider);
  const logStats: LogDeliveryStats = { dropped: 0 };
  const loggerProvider = createLoggerProvider(config, resource, logStats);

  runtime.tracer = provider.getTracer(SCOPE_NAME, SCOPE_VERSION);
  runtime.captureContent = config.captureContent;
  runtime.maxAttributeLength = config.maxAttributeLength;
  setRedactor(buildRedactor(config.redact));
  runtime.metrics = meterProvider === undefined ? null : tenantMetrics;
  runtime.otelLogger = loggerProvider?.getLogger(SCOPE_NAME, SCOPE_VERSION);

  const flushAll = async () => {
    await Promise.all([
      safely('forceFlush', () => provider.forceFlush()),
      safely('forceFlush', () => meterProvider?.forceFlush() ?? Promise.resolve()),
      safely('forceFlush', () => loggerProvider?.forceFlush() ?? Promise.resolve()),
    ]);
  };
  const removeExitFlush =
    config.flushOnExit === undefined
      ? undefined
      : installExitFlush({
          timeoutMillis: config.flushOnExit.timeoutMillis,
          flush: flushAll,
          lost: (timedOut) => lostAtExit(batch, logStats, timedOut, config),
        });
  let stopped = false;
  return {
    forceFlush: flushAll,
    shutdown: async () => {
      if (stopped) return;
      stopped = true;
      removeExitFlush?.();
      await Promise.all([
        safely('shutdown', () => provider.shutdown()),
        safely('shutdown', () => meterProvider?.shutdown() ?? Promise.resolve()),
        safely('shutdown', () => loggerProvider?.shutdown() ?? Promise.resolve()),
      ]);
      resetRuntime();
      trace.disable();
      context.disable();
      propagation.disable();
      metrics.disable();
    },
    droppedSpans: () => batch.stats.dropped,
    exportedSpans: () => batch.stats.exported,
    droppedLogs: () => logStats.dropped,
  };
}

/** The exit warning: what never reached the exporter's destination, and where it was going. */
function lostAtExit(
  batch: CountingBatchSpanProcessor,
  logs: LogDeliveryStats,
  timedOut: boolean,
  config: ResolvedConfig,
): string | undefined {
  const spans = batch.stats.dropped + (timedOut ? batch.pending() : 0);
  if (spans === 0 && logs.dropped === 0 && !timedOut) return undefined;
  const where =
    config.exporter === 'otlp' ? ` to ${config.endpoint ?? 'http://localhost:4318'}` : '';
  const parts = [`${spans} span(s)`, `${logs.dropped} log record(s)`];
  return (
    `${parts.join(' and ')} could not be exported${where}` +
    (timedOut
      ? `; export did not finish within ${config.flushOnExit?.timeoutMillis} ms (flushOnExit.timeoutMillis)`
      : '') +
    '. Check the endpoint and the key (TENANTRY_INGEST_KEY).'
  );
}

/** For hosts with their own NodeSDK/TracerProvider: tenant stamping first, then batch export. */
export function tenantrySpanProcessors(options: InitOptions = {}): SpanProcessor[] {
  const config = loadConfig(options);
  runtime.captureContent = config.captureContent;
  runtime.maxAttributeLength = config.maxAttributeLength;
  setRedactor(buildRedactor(config.redact));
  const processors: SpanProcessor[] = [new TenantSpanProcessor()];
  if (config.exporter !== 'none') {
    processors.push(new CountingBatchSpanProcessor(createExporter(config), config.batch));
  }
  return processors;
}

function createExporter(config: ResolvedConfig): SpanExporter {
  const choice = config.exporter;
  if (typeof choice === 'object') return choice;
  switch (choice) {
    case 'none':
      return new NoopExporter();
    case 'console':
      return new ConsoleTreeExporter({
        format: config.consoleFormat,
        stream: config.consoleStream,
      });
    case 'otlp':
      return new OTLPTraceExporter({
        url: `${config.endpoint ?? 'http://localhost:4318'}/v1/traces`,
        headers: config.headers,
      });
  }
}

function sampler(ratio: number): Sampler {
  // AlwaysOn at ratio 1: the ratio sampler would hash every trace id to keep them all anyway.
  const root = ratio >= 1 ? new AlwaysOnSampler() : new TraceIdRatioBasedSampler(ratio);
  return new ParentBasedSampler({ root });
}

class NoopExporter implements SpanExporter {
  export(_spans: unknown[], done: (result: { code: 0 }) => void): void {
    done({ code: 0 });
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

function setRedactor(redactor: Redactor): void {
  runtime.redactor = redactor;
  runtime.redactorIsPolicy = isPolicyRedactor(redactor);
  forgetCleanVerdicts();
}

async function safely(what: string, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (error) {
    warnOnce(`handle-${what}`, `${what}() failed: ${String(error)}`);
  }
}
