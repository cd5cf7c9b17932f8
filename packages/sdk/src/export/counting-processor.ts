import type { Context } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import {
  BatchSpanProcessor,
  type BufferConfig,
  type ReadableSpan,
  type Span,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { warnOnce } from '../diag/warn.js';
import { CountingExporter } from './counting-exporter.js';

export interface SpanDeliveryStats {
  /** Spans handed to the exporter and acknowledged. */
  exported: number;
  /** Spans lost: queue full, or the exporter reported failure. Never silent: warned once. */
  dropped: number;
}

/**
 * A BatchSpanProcessor that knows how many spans it lost. The stock one only logs drops through
 * `diag` (off by default) and resets its counter; we count what enters the queue and what
 * leaves it, so a full queue is detected exactly where the stock processor would drop.
 */
export class CountingBatchSpanProcessor implements SpanProcessor {
  private readonly inner: BatchSpanProcessor;
  private readonly maxQueueSize: number;
  private queued = 0;
  /** Handed to the exporter, no answer yet. */
  inFlight = 0;
  readonly stats: SpanDeliveryStats = { exported: 0, dropped: 0 };

  constructor(exporter: SpanExporter, config: BufferConfig = {}) {
    this.maxQueueSize = config.maxQueueSize ?? 2048;
    this.inner = new BatchSpanProcessor(new CountingSpanExporter(exporter, this), config);
  }

  onStart(span: Span, parentContext: Context): void {
    this.inner.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    // The batch processor skips unsampled spans too; they are not drops.
    if ((span.spanContext().traceFlags & 1) === 0) return;
    if (this.queued >= this.maxQueueSize) {
      this.drop(1, 'queue', `span queue full (${this.maxQueueSize}); spans are being dropped`);
      return;
    }
    this.queued++;
    this.inner.onEnd(span);
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  /** Spans recorded and not yet exported nor dropped (queued or being sent). */
  pending(): number {
    return this.queued + this.inFlight;
  }

  /** @internal called by the exporter wrapper */
  taken(count: number): void {
    this.queued = Math.max(0, this.queued - count);
  }

  /** @internal */
  drop(count: number, kind: 'queue' | 'export', why: string): void {
    this.stats.dropped += count;
    warnOnce(`dropped-spans:${kind}`, `dropped ${count} span(s): ${why}; see droppedSpans()`);
  }
}

class CountingSpanExporter extends CountingExporter<ReadableSpan> implements SpanExporter {
  constructor(
    inner: SpanExporter,
    private readonly owner: CountingBatchSpanProcessor,
  ) {
    super(inner);
  }

  protected taken(count: number): void {
    this.owner.taken(count);
    this.owner.inFlight += count;
  }

  protected settled(count: number, result: ExportResult): void {
    this.owner.inFlight -= count;
    if (result.code === ExportResultCode.SUCCESS) this.owner.stats.exported += count;
    else this.owner.drop(count, 'export', `export failed: ${result.error?.message ?? 'unknown'}`);
  }
}
