import type { DuckDb } from './database.js';

/**
 * Claims kept in memory: a key and a count in an open-addressed table at most half full, a key
 * and a time in arrival order (measured: 18.9 MB at 307,200 claims, 61 B each, against 84 B in a
 * Map; ~19 MB at this capacity). Past it every look-up is SQL, as before the set. 500 k covers the
 * 600 s window at about 830 runs a second.
 */
export const DEFAULT_STORED_CLAIM_KEYS_CAPACITY = 500_000;

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
  /** Distinct keys and how many stored claims have each: linear probing, count 0 = empty slot. */
  private slotKeys = new Float64Array(1024);
  private slotCounts = new Uint32Array(1024);
  private distinct = 0;
  /** Keys in the order their claims were stored, with their claim times (s), for eviction. */
  private order = new Float64Array(1024);
  private orderTimes = new Uint32Array(1024);
  private head = 0;
  private tail = 0;
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
    return this.tail - this.head;
  }

  /** True only if no claim for this trace key can be stored. */
  certainlyAbsent(traceKey: bigint): boolean {
    return !this.overflowed && this.slotCounts[this.slotOf(Number(traceKey & KEY_BITS))] === 0;
  }

  add(traceKey: bigint, claimedNs: bigint): void {
    if (this.overflowed) return;
    if (this.size >= this.capacity) {
      // From here on a key could be missing: every look-up goes to the table.
      this.overflowed = true;
      this.slotKeys = new Float64Array(0);
      this.slotCounts = new Uint32Array(0);
      this.order = new Float64Array(0);
      this.orderTimes = new Uint32Array(0);
      this.head = this.tail = this.distinct = 0;
      return;
    }
    const key = Number(traceKey & KEY_BITS);
    if ((this.distinct + 1) * 2 > this.slotKeys.length) this.growTable();
    const slot = this.slotOf(key);
    if (this.slotCounts[slot] === 0) {
      this.slotKeys[slot] = key;
      this.distinct++;
    }
    this.slotCounts[slot]!++;
    if (this.tail === this.order.length) this.compactOrder();
    this.order[this.tail] = key;
    // Seconds, rounded up: a claim is forgotten only once its whole second is before the cutoff.
    this.orderTimes[this.tail++] = Math.ceil(Number(claimedNs / 1_000_000n) / 1000);
    return;
  }

  /** Call once claims stored before `beforeNs` are deleted and that deletion has committed. */
  forgetBefore(beforeNs: bigint): void {
    const before = Math.floor(Number(beforeNs / 1_000_000n) / 1000);
    while (this.head < this.tail && this.orderTimes[this.head]! < before) {
      this.release(this.order[this.head++]!);
    }
  }

  /** Past capacity the set stays off until the table is small enough to load again. */
  get needsReload(): boolean {
    return this.overflowed;
  }

  /** The slot holding `key`, or the empty slot where it would go. */
  private slotOf(key: number): number {
    const mask = this.slotKeys.length - 1;
    // The key's low bits are a trace id's: random, except for ids that are not hex (key 0).
    let i = (key % 0x40000000) & mask;
    while (this.slotCounts[i] !== 0 && this.slotKeys[i] !== key) i = (i + 1) & mask;
    return i;
  }

  private release(key: number): void {
    const slot = this.slotOf(key);
    if (this.slotCounts[slot] === 0) return;
    if (--this.slotCounts[slot]! > 0) return;
    this.distinct--;
    // Backward-shift deletion: later keys of the probe run move up, so no tombstones are needed.
    const mask = this.slotKeys.length - 1;
    let hole = slot;
    for (let i = (slot + 1) & mask; this.slotCounts[i] !== 0; i = (i + 1) & mask) {
      const home = (this.slotKeys[i]! % 0x40000000) & mask;
      // Move the entry at i into the hole unless its home lies cyclically in (hole, i].
      const between = hole <= i ? home > hole && home <= i : home > hole || home <= i;
      if (between) continue;
      this.slotKeys[hole] = this.slotKeys[i]!;
      this.slotCounts[hole] = this.slotCounts[i]!;
      this.slotCounts[i] = 0;
      hole = i;
    }
  }

  private growTable(): void {
    const keys = this.slotKeys;
    const counts = this.slotCounts;
    this.slotKeys = new Float64Array(keys.length * 2);
    this.slotCounts = new Uint32Array(keys.length * 2);
    for (let i = 0; i < keys.length; i++) {
      if (counts[i] === 0) continue;
      const slot = this.slotOf(keys[i]!);
      this.slotKeys[slot] = keys[i]!;
      this.slotCounts[slot] = counts[i]!;
    }
  }

  /** Drops the forgotten front of the arrival order, growing it if most of it is live. */
  private compactOrder(): void {
    const live = this.tail - this.head;
    // Never past the capacity: the set holds no more claims than that (add() checks first).
    const length = Math.min(
      this.capacity,
      live * 2 > this.order.length ? this.order.length * 2 : this.order.length,
    );
    const order = new Float64Array(length);
    const times = new Uint32Array(length);
    order.set(this.order.subarray(this.head, this.tail));
    times.set(this.orderTimes.subarray(this.head, this.tail));
    this.order = order;
    this.orderTimes = times;
    this.head = 0;
    this.tail = live;
  }
}
