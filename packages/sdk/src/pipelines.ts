/** The metrics and logs halves of init(): providers, exporters and readers. */

import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import type { Resource } from '@opentelemetry/resources';
import {
  BatchLogRecordProcessor,
  LoggerProvider,
  type LogRecordExporter,
  type ReadableLogRecord,
} from '@opentelemetry/sdk-logs';
import {
  AggregationTemporality,
  type IMetricReader,
  MeterProvider,
  PeriodicExportingMetricReader,
  type ViewOptions,
} from '@opentelemetry/sdk-metrics';
import type { ResolvedConfig } from './config.js';
import { warnOnce } from './diag/warn.js';
import { CountingExporter } from './export/counting-exporter.js';
import type { TenantMetricsProducer } from './metrics/producer.js';

const DEFAULT_ENDPOINT = 'http://localhost:4318';

export function createMeterProvider(
  config: ResolvedConfig,
  resource: Resource,
  tenantView: ViewOptions,
  tenantMetrics: TenantMetricsProducer,
): MeterProvider | undefined {
  const readers: IMetricReader[] = [...config.metrics.readers];
  if (config.metrics.exporter === 'otlp') {
    readers.push(
      new PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter({
          url: `${config.endpoint ?? DEFAULT_ENDPOINT}/v1/metrics`,
          headers: config.headers,
          // Delta: each export is what happened since the last one, what a per-tenant
          // rate or sum in the tenantry server (and most vendors) wants.
          temporalityPreference: AggregationTemporality.DELTA,
        }),
        exportIntervalMillis: config.metrics.exportIntervalMillis,
      }),
    );
  }
  const prometheus = config.metrics.prometheus;
  if (prometheus !== undefined) {
    readers.push(
      new PrometheusExporter({ ...prometheus }, (error) => {
        if (error !== undefined && error !== null) {
          warnOnce('prometheus', `Prometheus endpoint failed to start: ${String(error)}`);
        }
      }),
    );
  }
  if (readers.length === 0) return undefined;
  return new MeterProvider({
    resource,
    readers: readers.map((reader) => tenantMetrics.wrap(reader)),
    views: [tenantView],
  });
}

/** Log records the exporter refused or could not deliver; warned once, reported at exit. */
export interface LogDeliveryStats {
  dropped: number;
}

export function createLoggerProvider(
  config: ResolvedConfig,
  resource: Resource,
  stats: LogDeliveryStats,
): LoggerProvider | undefined {
  const choice = config.logs.exporter;
  if (choice === 'none') return undefined;
  const exporter =
    choice === 'otlp'
      ? new OTLPLogExporter({
          url: `${config.endpoint ?? DEFAULT_ENDPOINT}/v1/logs`,
          headers: config.headers,
        })
      : choice;
  return new LoggerProvider({
    resource,
    processors: [
      new BatchLogRecordProcessor({ exporter: new CountingLogExporter(exporter, stats) }),
    ],
  });
}

class CountingLogExporter extends CountingExporter<ReadableLogRecord> implements LogRecordExporter {
  constructor(
    inner: LogRecordExporter,
    private readonly stats: LogDeliveryStats,
  ) {
    super(inner);
  }

  protected taken(): void {}

  protected settled(count: number, result: ExportResult): void {
    if (result.code === ExportResultCode.SUCCESS) return;
    this.stats.dropped += count;
    warnOnce(
      'dropped-logs',
      `dropped ${count} log record(s): export failed: ${result.error?.message ?? 'unknown'}`,
    );
  }
}
