import type { AlertDataSource, TenantWindowStats } from './source.js';

/**
 * Windows that ended a while ago (the token-anomaly baselines, on a fixed grid) are kept across
 * evaluations for `ttlMs`: with 5-minute windows that is one query per window per 5 minutes
 * instead of every 30 s. Entries expire rather than live forever so late data (a backfill, a
 * delayed exporter) still reaches the baseline within one TTL.
 */
export class SettledWindows {
  private readonly entries = new Map<string, { at: number; stats: Promise<TenantWindowStats[]> }>();

  constructor(
    readonly settleMs = 60_000,
    readonly ttlMs = 5 * 60_000,
  ) {}

  get(key: string, now: number): Promise<TenantWindowStats[]> | undefined {
    const e = this.entries.get(key);
    if (e && now - e.at < this.ttlMs && now >= e.at) return e.stats;
    return undefined;
  }

  set(key: string, now: number, stats: Promise<TenantWindowStats[]>): void {
    this.entries.set(key, { at: now, stats });
    // A failed query is not remembered.
    stats.catch(() => this.entries.delete(key));
  }

  evict(now: number): void {
    for (const [k, e] of this.entries)
      if (now - e.at >= this.ttlMs || now < e.at) this.entries.delete(k);
  }
}

/** Shares identical windows between the rules of one evaluation, and settled ones across them. */
export class WindowCache {
  private readonly windows = new Map<string, Promise<TenantWindowStats[]>>();
  queries = 0;

  constructor(
    private readonly source: AlertDataSource,
    private readonly now: number = Number.POSITIVE_INFINITY,
    private readonly settled: SettledWindows | null = null,
  ) {}

  get(fromMs: number, toMs: number): Promise<TenantWindowStats[]> {
    const key = `${fromMs}:${toMs}`;
    let hit = this.windows.get(key);
    if (hit) return hit;
    const settled = this.settled && toMs <= this.now - this.settled.settleMs ? this.settled : null;
    hit = settled?.get(key, this.now);
    if (!hit) {
      this.queries++;
      hit = this.source.windowStats(fromMs, toMs);
      settled?.set(key, this.now, hit);
    }
    this.windows.set(key, hit);
    return hit;
  }
}
