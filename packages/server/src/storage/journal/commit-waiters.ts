import { ServerSaturatedError } from '../../ingest/errors.js';

/** Readers and erasures waiting for acknowledged rows to be committed (JournaledWriter.visible). */
export class CommitWaiters {
  private waiters: Array<{
    seq: number;
    strict: boolean;
    resolve: () => void;
    reject: (e: Error) => void;
  }> = [];

  get length(): number {
    return this.waiters.length;
  }

  /** Resolves once journal record `seq` is committed (see `release`). */
  wait(seq: number, strict: boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiters.push({ seq, strict, resolve, reject });
    });
  }

  /** Everything through `appliedSeq` is committed. */
  release(appliedSeq: number): void {
    const still = [];
    for (const w of this.waiters) {
      if (w.seq <= appliedSeq) w.resolve();
      else still.push(w);
    }
    this.waiters = still;
  }

  /** Readers go on with what is committed; erasures are refused until commits work again. */
  fail(err: Error): void {
    const failure = new ServerSaturatedError(`storage write failed: ${err.message}`);
    for (const w of this.waiters) {
      if (w.strict) w.reject(failure);
      else w.resolve();
    }
    this.waiters = [];
  }
}
