/**
 * SDK setup of one simulated service. The demo initialises twice: the backfill phase exports
 * spans and logs through the time-shift wrappers and records no metrics (OTel metric points carry
 * export time, so an hour of backfilled points would all land on "now"); the live phase re-inits
 * with metrics on. Both phases send to the tenantry server over real OTLP/HTTP.
 */
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { init, type TenantryHandle } from '@tenantry/sdk';
import {
  TimeShiftLogExporter,
  type TimeShiftRegistry,
  TimeShiftSpanExporter,
} from './time-shift.js';

export interface ServiceTelemetryOptions {
  serviceName: string;
  /** The build that runs: a deploy is a new process with a new version. */
  serviceVersion: string;
  endpoint: string;
  apiKey: string;
  phase: 'backfill' | 'live';
  registry: TimeShiftRegistry;
}

export function initServiceTelemetry(options: ServiceTelemetryOptions): TenantryHandle {
  const headers = { Authorization: `Bearer ${options.apiKey}` };
  const spans = new OTLPTraceExporter({ url: `${options.endpoint}/v1/traces`, headers });
  const logs = new OTLPLogExporter({ url: `${options.endpoint}/v1/logs`, headers });
  const live = options.phase === 'live';
  return init({
    serviceName: options.serviceName,
    endpoint: options.endpoint,
    apiKey: options.apiKey,
    resourceAttributes: {
      'service.version': options.serviceVersion,
      'deployment.environment.name': 'demo',
      'service.namespace': 'demo-platform',
    },
    exporter: new TimeShiftSpanExporter(spans, options.registry),
    // The backfill produces an hour of spans in seconds: a larger queue, quicker batches (small ones: serialising a big batch blocks the loop the runs' timers share).
    batch: live
      ? { scheduledDelayMillis: 500 }
      : { maxQueueSize: 100_000, maxExportBatchSize: 512, scheduledDelayMillis: 200 },
    logs: { exporter: new TimeShiftLogExporter(logs, options.registry) },
    metrics: live ? { exporter: 'otlp', exportIntervalMillis: 5_000 } : { exporter: 'none' },
  });
}
