import { setImmediate as nextTurn } from 'node:timers/promises';

/** Synchronous work one request may do before it lets the event loop serve others. */
const SLICE_MS = 10;
/** Items between two clock reads: reading the clock per item would cost more than the check. */
const CHECK_EVERY = 16;

/**
 * Cooperative time slices for one request's synchronous work. Sanitizing and redacting a request is
 * linear in its bytes, but some text costs far more per byte than prose (runs of digit groups redact
 * 10 to 60 times slower, see packages/redact/README.md). A request full of it would otherwise hold
 * the event loop for seconds and stall every tenant's ingest and every query. After each slice the
 * request waits for the next turn of the event loop. It gets slower itself, and nobody else does.
 */
export class WorkSlice {
  private items = 0;
  private deadline: number;
  /** Time spent waiting in `pause()`, when other requests ran. */
  pausedMs = 0;

  constructor(private readonly sliceMs = SLICE_MS) {
    this.deadline = performance.now() + sliceMs;
  }

  /** Call once per item: true when the slice is used up and the caller should `pause()`. */
  spent(): boolean {
    return ++this.items % CHECK_EVERY === 0 && performance.now() >= this.deadline;
  }

  /**
   * The same for items that take milliseconds each (a 2,048-row DuckDB data chunk): the clock is
   * read every time, since sixteen such items between two reads held the event loop for 100 ms.
   */
  spentNow(): boolean {
    return performance.now() >= this.deadline;
  }

  /** Waits for the next turn of the event loop, then starts a new slice. */
  async pause(): Promise<void> {
    const from = performance.now();
    await nextTurn();
    const now = performance.now();
    this.pausedMs += now - from;
    this.deadline = now + this.sliceMs;
  }
}
