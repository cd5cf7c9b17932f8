import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import {
  JsonLogsSerializer,
  JsonMetricsSerializer,
  JsonTraceSerializer,
  ProtobufLogsSerializer,
  ProtobufMetricsSerializer,
  ProtobufTraceSerializer,
} from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  SimpleLogRecordProcessor,
} from '@opentelemetry/sdk-logs';
import {
  AggregationType,
  MeterProvider,
  MetricReader,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { Signal } from '../../packages/server/src/ingest/pipeline.js';
import type { OtlpFormat } from '../../packages/server/src/otlp/body.js';
import { recordRun, recordSpans } from './otlp.js';

/**
 * Valid OTLP request bodies of every signal and format, as the official exporters serialize them
 * (@opentelemetry/otlp-transformer) from telemetry recorded with the real SDK: seeds for fuzzing
 * and anything else that needs real wire bytes without a network round trip.
 */

export type Payloads = Record<Signal, Record<OtlpFormat, Buffer>>;

const RESOURCE = { 'service.name': 'fuzz-agent', 'tenant.id': 'fuzz' };

/** Agent runs, plus a span with events, a link and array attributes. */
export async function recordRichSpans(): Promise<ReadableSpan[]> {
  return recordSpans((tracer) => {
    recordRun(tracer, { tenantId: 'fuzz', tools: [{ name: 'search' }, { name: 'fetch' }] });
    recordRun(tracer, { tenantId: 'fuzz', failed: true, tools: [{ name: 'x', failed: true }] });
    const linked = tracer.startSpan('linked');
    linked.end();
    const span = tracer.startSpan('rich', {
      kind: SpanKind.SERVER,
      links: [{ context: linked.spanContext(), attributes: { 'link.reason': 'retry' } }],
      attributes: { tags: ['a', 'b'], counts: [1, 2, 3], flags: [true, false], ratio: 0.5 },
    });
    span.addEvent('gen_ai.content.prompt', { 'gen_ai.prompt': 'hello', n: 7 });
    span.recordException(new Error('boom'));
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'failed' });
    span.end();
  }, RESOURCE);
}

/** Log records with string and structured bodies, in and out of a span. */
export async function recordLogs() {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes(RESOURCE),
    processors: [new SimpleLogRecordProcessor({ exporter })],
  });
  const logger = provider.getLogger('fuzz-logs', '1.0.0');
  logger.emit({ body: 'plain', severityNumber: 9, severityText: 'INFO', attributes: { a: 1 } });
  logger.emit({
    body: { message: 'structured', nested: { list: [1, 'two', false] } },
    severityNumber: 17,
    severityText: 'ERROR',
    attributes: { 'tenant.id': 'fuzz', tags: ['x', 'y'] },
  });
  await recordSpans((t) => {
    const span = t.startSpan('with log');
    const ctx = trace.setSpan(context.active(), span);
    logger.emit({ body: 'inside a span', severityNumber: 5, context: ctx });
    span.end();
  });
  await provider.forceFlush();
  const records = exporter.getFinishedLogRecords();
  await provider.shutdown();
  return records;
}

class PullReader extends MetricReader {
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** A counter, an up-down counter, a gauge, a histogram and an exponential histogram. */
export async function recordMetrics(): Promise<ResourceMetrics> {
  const reader = new PullReader();
  const provider = new MeterProvider({
    resource: resourceFromAttributes(RESOURCE),
    readers: [reader],
    views: [
      {
        instrumentName: 'fuzz.exp',
        aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM },
      },
    ],
  });
  const meter = provider.getMeter('fuzz-metrics', '1.0.0');
  const attrs = { 'tenant.id': 'fuzz', status: 'ok' };
  meter.createCounter('fuzz.runs').add(3, attrs);
  meter.createUpDownCounter('fuzz.active').add(-2, attrs);
  meter.createGauge('fuzz.queue').record(4.5, attrs);
  const hist = meter.createHistogram('fuzz.duration', { unit: 's' });
  const exp = meter.createHistogram('fuzz.exp', { unit: 'ms' });
  for (const v of [0.01, 0.2, 3, 40]) {
    hist.record(v, attrs);
    exp.record(v * 1000, attrs);
  }
  const { resourceMetrics } = await reader.collect();
  await provider.shutdown();
  return resourceMetrics;
}

function bytes(serialized: Uint8Array | undefined): Buffer {
  if (!serialized) throw new Error('the serializer returned nothing');
  return Buffer.from(serialized);
}

/** One request body per signal and format, from the official serializers. */
export async function validPayloads(): Promise<Payloads> {
  const spans = await recordRichSpans();
  const logs = await recordLogs();
  const metrics = await recordMetrics();
  return {
    traces: {
      protobuf: bytes(ProtobufTraceSerializer.serializeRequest(spans)),
      json: bytes(JsonTraceSerializer.serializeRequest(spans)),
    },
    logs: {
      protobuf: bytes(ProtobufLogsSerializer.serializeRequest(logs)),
      json: bytes(JsonLogsSerializer.serializeRequest(logs)),
    },
    metrics: {
      protobuf: bytes(ProtobufMetricsSerializer.serializeRequest(metrics)),
      json: bytes(JsonMetricsSerializer.serializeRequest(metrics)),
    },
  };
}
