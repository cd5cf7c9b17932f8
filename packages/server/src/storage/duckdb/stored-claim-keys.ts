import type { DuckDb } from './database.js';

/**
 * Claims kept in memory (84 bytes each, measured: 25.8 MB for 307,200); past this every look-up is
 * SQL, as before the set. 250 k covers the 600 s window at about 400 runs a second.
 */
export const DEFAULT_STORED_CLAIM_KEYS_CAPACITY = 250_000;

/** 52 bits of a trace key: a double holds them exactly, and a collision only costs a look-up. */
const KEY_BITS = (1n << 52n) - 1n;

/**
 * Which traces have a claim in `trace_claims`, in memory, so that spans waiting for their trace's
 * tenant need no look-up when nothing was stored for their trace before their batch: the batch's
 * own claims decide them. That look-up scans every stored claim (a hash join on random trace
 * keys), and claims are kept for the whole trace-tenant window: at a sustained 12.5k runs a second
 * with the tenant on roots only, 7.5 M of them for each batch.
 *
 * Only a false "absent" could be wrong, so the set errs the other way: a key collision, a claim
 * rolled back after it was added, or a set past its capacity all answer "maybe stored", which
 * takes the look-up as before. Keys leave only once the claims' deletion has committed.
 */
export class StoredClaimKeys {
  private readonly counts = new Map<number, number>();
  /** Keys in the order their claims were stored, with their claim times (ms), for eviction. */
  private keys: number[] = [];
  private times: number[] = [];
  private head = 0;
  private overflowed = false;

  constructor(private readonly capacity = DEFAULT_STORED_CLAIM_KEYS_CAPACITY) {}

  /** Loads the stored claims' keys (the writer's connection: its open transaction's too). */
  static async load(db: DuckDb, capacity?: number): Promise<StoredClaimKeys> {
    const set = new StoredClaimKeys(capacity);
    const [count] = await db.queryOnWriter('SELECT count(*) AS n FROM trace_claims');
    if (Number(count?.n ?? 0) > set.capacity) {
      set.overflowed = true;
      return set;
    }
    const rows = await db.queryOnWriter(
      'SELECT trace_key, claimed_ns FROM trace_claims ORDER BY claimed_ns',
    );
    for (const r of rows) set.add(r.trace_key as bigint, r.claimed_ns as bigint);
    return set;
  }

  get size(): number {
    return this.keys.length - this.head;
  }

  /** True only if no claim for this trace key can be stored. */
  certainlyAbsent(traceKey: bigint): boolean {
    return !this.overflowed && !this.counts.has(Number(traceKey & KEY_BITS));
  }

  add(traceKey: bigint, claimedNs: bigint): void {
    if (this.overflowed) return;
    if (this.size >= this.capacity) {
      // From here on a key could be missing: every look-up goes to the table.
      this.overflowed = true;
      this.counts.clear();
      this.keys = [];
      this.times = [];
      this.head = 0;
      return;
    }
    const key = Number(traceKey & KEY_BITS);
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    this.keys.push(key);
    this.times.push(Number(claimedNs / 1_000_000n));
  }

  /** Call once claims stored before `beforeNs` are deleted and that deletion has committed. */
  forgetBefore(beforeNs: bigint): void {
    const before = Number(beforeNs / 1_000_000n);
    while (this.head < this.keys.length && this.times[this.head]! < before) {
      const key = this.keys[this.head++]!;
      const n = this.counts.get(key)! - 1;
      if (n === 0) this.counts.delete(key);
      else this.counts.set(key, n);
    }
    // Drop the evicted front once it is most of the arrays.
    if (this.head > 1024 && this.head * 2 > this.keys.length) {
      this.keys = this.keys.slice(this.head);
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
  }

  /** Past capacity the set stays off until the table is small enough to load again. */
  get needsReload(): boolean {
    return this.overflowed;
  }
}
