import { takeGroup } from '../batch-writer.js';
import type { HeldEnd, HeldTransaction, WriteBatch, WriteResult } from '../types.js';

/** A journaled request waiting for its storage commit. */
export interface QueuedRequest {
  seq: number;
  batch: WriteBatch;
  items: number;
}

/**
 * The requests appended into the store's held transaction (JournalOptions.holdRows), and whether
 * it is due: it holds `holdRows` rows, or has been open `holdMs`. When the transaction ends,
 * whoever ended it, its requests go back to the writer: committed, or to be queued again.
 */
export class HeldRequests {
  private held: QueuedRequest[] = [];
  private timer: NodeJS.Timeout | null = null;
  private timedOut = false;

  constructor(
    private readonly tx: HeldTransaction,
    private readonly options: { holdRows: number; holdMs: number; maxBatchItems: number },
    /** `holdMs` passed: the writer commits now. */
    private readonly onTimeout: () => void,
    ended: (requests: QueuedRequest[], end: HeldEnd) => void,
  ) {
    tx.onEnd((end) => {
      const requests = this.held;
      this.held = [];
      this.stop();
      ended(requests, end);
    });
  }

  get empty(): boolean {
    return this.held.length === 0;
  }

  /** Holds `holdRows` rows: commit before appending more. */
  get full(): boolean {
    return !this.empty && this.tx.heldRows >= this.options.holdRows;
  }

  get expired(): boolean {
    return !this.empty && this.timedOut;
  }

  /**
   * Appends requests off the front of `queue`, taken once the write connection is this call's (a
   * rollback by another writer may have put requests back in front meanwhile); `taken` is told
   * how many items left the queue.
   */
  append(queue: QueuedRequest[], taken: (items: number) => void): Promise<WriteResult | null> {
    return this.tx.append(() => {
      if (queue.length === 0) return null;
      // Up to holdRows and no further (whole requests), so a commit holds whole row groups.
      const room = Math.max(1, this.options.holdRows - this.tx.heldRows);
      const { group, items, merged } = takeGroup(queue, Math.min(this.options.maxBatchItems, room));
      merged.journalSeq = group[group.length - 1]!.seq;
      taken(items);
      for (const q of group) this.held.push(q);
      if (!this.timer) {
        this.timer = setTimeout(() => {
          this.timer = null;
          this.timedOut = true;
          this.onTimeout();
        }, this.options.holdMs);
        this.timer.unref();
      }
      return merged;
    });
  }

  commit(): Promise<void> {
    return this.tx.commit();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.timedOut = false;
  }
}
