/**
 * Test helper: init() with an in-memory span exporter and an in-memory metric reader, so tests
 * read back exactly what the SDK exported.
 */
import { InMemoryLogRecordExporter } from '@opentelemetry/sdk-logs';
import { type CollectionResult, MetricReader } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { InitOptions } from '../config.js';
import { init, type TenantryHandle } from '../init.js';

/** A reader that only collects when asked: tests pull exactly one collection per assertion. */
export class PullMetricReader extends MetricReader {
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

export interface MemorySetup {
  handle: TenantryHandle;
  spans: InMemorySpanExporter;
  logs: InMemoryLogRecordExporter;
  reader: PullMetricReader;
  /** Flushes and returns the finished spans. */
  finished(): Promise<ReadableSpan[]>;
  collect(): Promise<CollectionResult>;
}

export function initInMemory(options: InitOptions = {}): MemorySetup {
  const spans = new InMemorySpanExporter();
  const logs = new InMemoryLogRecordExporter();
  const reader = new PullMetricReader();
  const handle = init({
    serviceName: 'test',
    exporter: spans,
    logs: { exporter: logs },
    ...options,
    metrics: { readers: [reader], ...options.metrics },
  });
  return {
    handle,
    spans,
    logs,
    reader,
    finished: async () => {
      await handle.forceFlush();
      return spans.getFinishedSpans();
    },
    collect: () => reader.collect(),
  };
}
