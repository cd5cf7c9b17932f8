import { type ExportResult, ExportResultCode } from '@opentelemetry/core';

/** What span and log exporters have in common: export a batch, flush, shut down. */
export interface BatchExporter<T> {
  export(items: T[], resultCallback: (result: ExportResult) => void): void;
  shutdown(): Promise<void>;
  forceFlush?(): Promise<void>;
}

/**
 * Wraps the user's (or OTLP's) exporter to count what it delivered and lost. The batch's result is
 * counted exactly once: also when the exporter throws instead of calling back, or calls back twice
 * (a timeout, then the late response), which would otherwise count a batch twice.
 */
export abstract class CountingExporter<T> implements BatchExporter<T> {
  constructor(protected readonly inner: BatchExporter<T>) {}

  /** The batch left the queue and is being sent. */
  protected abstract taken(count: number): void;
  /** The batch's one result. */
  protected abstract settled(count: number, result: ExportResult): void;

  export(items: T[], resultCallback: (result: ExportResult) => void): void {
    this.taken(items.length);
    let settled = false;
    const done = (result: ExportResult) => {
      if (settled) return;
      settled = true;
      this.settled(items.length, result);
      resultCallback(result);
    };
    try {
      this.inner.export(items, done);
    } catch (error) {
      done({ code: ExportResultCode.FAILED, error: error as Error });
    }
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}
