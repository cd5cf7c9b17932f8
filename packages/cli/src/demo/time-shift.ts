/**
 * Backfill without synthetic rows: the simulated platform runs its agents through the real SDK,
 * and these exporter wrappers move each finished span and log record of a backfilled run to its
 * event time (through the run's RunClock, see clock.ts) just before the real OTLP exporter
 * serialises it. Live runs are not registered and pass through untouched.
 */
import type { HrTime } from '@opentelemetry/api';
import type { ExportResult } from '@opentelemetry/core';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

/** Real ms -> event ms for one trace. */
export interface TimeMapping {
  map(realMs: number): number;
}

const MAX_TRACKED = 50_000;

/** Trace id -> mapping. Bounded: the oldest entries go first (their spans are long exported). */
export class TimeShiftRegistry {
  private readonly byTrace = new Map<string, TimeMapping>();

  register(traceId: string, mapping: TimeMapping): void {
    this.byTrace.set(traceId, mapping);
    if (this.byTrace.size > MAX_TRACKED) {
      const oldest = this.byTrace.keys().next().value;
      if (oldest !== undefined) this.byTrace.delete(oldest);
    }
  }

  get(traceId: string): TimeMapping | undefined {
    return this.byTrace.get(traceId);
  }

  shift(traceId: string, time: HrTime): HrTime {
    const m = this.byTrace.get(traceId);
    return m === undefined ? time : fromMs(m.map(toMs(time)));
  }
}

function toMs(time: HrTime): number {
  return time[0] * 1000 + time[1] / 1e6;
}

function fromMs(ms: number): HrTime {
  const seconds = Math.floor(ms / 1000);
  return [seconds, Math.round((ms - seconds * 1000) * 1e6)];
}

/** Wraps the real span exporter; spans of registered traces are re-timed, others pass as they are. */
export class TimeShiftSpanExporter implements SpanExporter {
  constructor(
    private readonly inner: SpanExporter,
    private readonly registry: TimeShiftRegistry,
  ) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.inner.export(
      spans.map((s) => this.retime(s)),
      done,
    );
  }

  private retime(span: ReadableSpan): ReadableSpan {
    const traceId = span.spanContext().traceId;
    if (this.registry.get(traceId) === undefined) return span;
    const startTime = this.registry.shift(traceId, span.startTime);
    const endTime = this.registry.shift(traceId, span.endTime);
    const nanos = (endTime[0] - startTime[0]) * 1e9 + (endTime[1] - startTime[1]);
    // A view over the real span: only the times differ, everything else is read through.
    return Object.create(span, {
      startTime: { value: startTime },
      endTime: { value: endTime },
      duration: { value: [Math.floor(nanos / 1e9), nanos % 1e9] },
      events: {
        value: span.events.map((e) => ({ ...e, time: this.registry.shift(traceId, e.time) })),
      },
    }) as ReadableSpan;
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}

/** The same for log records, matched to their run through the record's trace context. */
export class TimeShiftLogExporter implements LogRecordExporter {
  constructor(
    private readonly inner: LogRecordExporter,
    private readonly registry: TimeShiftRegistry,
  ) {}

  export(records: ReadableLogRecord[], done: (result: ExportResult) => void): void {
    this.inner.export(
      records.map((r) => {
        const traceId = r.spanContext?.traceId;
        if (traceId === undefined || this.registry.get(traceId) === undefined) return r;
        return Object.create(r, {
          hrTime: { value: this.registry.shift(traceId, r.hrTime) },
          hrTimeObserved: { value: this.registry.shift(traceId, r.hrTimeObserved) },
        }) as ReadableLogRecord;
      }),
      done,
    );
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}
