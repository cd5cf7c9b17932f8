import type { Attributes } from '@opentelemetry/api';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import {
  AggregationTemporality,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';

/** Sends log records through the official OTLP/proto logs exporter. */
export async function sendLogs(
  baseUrl: string,
  key: string,
  records: Array<{
    body: string;
    severityNumber: number;
    severityText: string;
    attributes: Attributes;
  }>,
): Promise<void> {
  const exporter = new OTLPLogExporter({
    url: `${baseUrl}/v1/logs`,
    headers: { authorization: `Bearer ${key}` },
  });
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'test-agent' }),
    processors: [new SimpleLogRecordProcessor({ exporter })],
  });
  const logger = provider.getLogger('tenantry-tests');
  for (const r of records) logger.emit(r);
  await provider.forceFlush();
  await provider.shutdown();
}

/** Records a counter and a histogram and pushes them through the official OTLP/proto exporter. */
export async function sendMetrics(
  baseUrl: string,
  key: string,
  tenantIds: string[],
): Promise<void> {
  const exporter = new OTLPMetricExporter({
    url: `${baseUrl}/v1/metrics`,
    headers: { authorization: `Bearer ${key}` },
    temporalityPreference: AggregationTemporality.DELTA,
  });
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'test-agent' }),
    readers: [reader],
  });
  const meter = provider.getMeter('tenantry-tests');
  const runs = meter.createCounter('tenantry.agent.runs');
  const duration = meter.createHistogram('tenantry.agent.run.duration', { unit: 's' });
  for (const tenant of tenantIds) {
    runs.add(3, { 'tenant.id': tenant, status: 'ok' });
    duration.record(0.25, { 'tenant.id': tenant, status: 'ok' });
  }
  await provider.forceFlush();
  await provider.shutdown();
}
