import { TokenBucket } from './rate-limiter.js';

export interface IngestLimits {
  /** Items (spans, log records, metric points) per second, sustained. */
  itemsPerSecond: number;
  /** Items a tenant may send at once above the sustained rate. */
  burstItems: number;
  /** Decompressed request bytes per second, sustained (attributed to tenants by item share). */
  bytesPerSecond: number;
  burstBytes: number;
  maxAttributesPerSpan: number;
  maxAttributeLength: number;
  /**
   * Event-loop milliseconds per second a tenant's payloads may cost to sanitize and redact,
   * sustained. Item and byte rates do not bound CPU: some text costs 50 times more per byte than
   * prose (packages/redact/README.md), so this budget does.
   */
  processingMsPerSecond: number;
  burstProcessingMs: number;
}

export type AdmitVerdict =
  | { ok: true }
  | { ok: false; retryAfterSeconds: number; reason: 'rate_limited' | 'processing_limited' };

export const DEFAULT_INGEST_LIMITS: IngestLimits = {
  itemsPerSecond: 20_000,
  burstItems: 100_000,
  bytesPerSecond: 32 * 1024 * 1024,
  burstBytes: 128 * 1024 * 1024,
  maxAttributesPerSpan: 256,
  maxAttributeLength: 16 * 1024,
  // A quarter of the event loop: 20,000 spans/s of the ingest bench's agent spans cost 45-55 ms/s.
  processingMsPerSecond: 250,
  burstProcessingMs: 2_500,
};

/**
 * Per-tenant ingest limits: each tenant has its own buckets, so one tenant flooding past its
 * limit is refused while every other tenant's data flows (noisy-neighbour isolation).
 */
export class TenantLimiter {
  private readonly items = new Map<string, TokenBucket>();
  private readonly bytes = new Map<string, TokenBucket>();
  private readonly processing = new Map<string, TokenBucket>();

  constructor(
    private readonly defaults: IngestLimits,
    private readonly overrides: Record<string, Partial<IngestLimits>>,
    private readonly now: () => number = () => performance.now(),
  ) {}

  limitsFor(tenantId: string): IngestLimits {
    const o = this.overrides[tenantId];
    return o ? { ...this.defaults, ...o } : this.defaults;
  }

  /**
   * Charges a tenant for `count` items and `byteCount` bytes, all or nothing; refuses a tenant
   * whose processing time is in debt.
   */
  admit(tenantId: string, count: number, byteCount: number): AdmitVerdict {
    const l = this.limitsFor(tenantId);
    const now = this.now();
    const debt = this.processingBucket(tenantId, l, now).debtSeconds(now);
    if (debt > 0) return { ok: false, retryAfterSeconds: debt, reason: 'processing_limited' };
    const itemBucket = this.bucket(this.items, tenantId, l.itemsPerSecond, l.burstItems, now);
    const byteBucket = this.bucket(this.bytes, tenantId, l.bytesPerSecond, l.burstBytes, now);
    const a = itemBucket.take(count, now);
    if (!a.ok) return { ok: false, retryAfterSeconds: a.retryAfterSeconds, reason: 'rate_limited' };
    const b = byteBucket.take(byteCount, now);
    if (!b.ok) {
      itemBucket.take(-count, now);
      return { ok: false, retryAfterSeconds: b.retryAfterSeconds, reason: 'rate_limited' };
    }
    return { ok: true };
  }

  /** Seconds until a tenant's processing debt is repaid; 0 when it has none. */
  processingDebtSeconds(tenantId: string): number {
    const now = this.now();
    return this.processingBucket(tenantId, this.limitsFor(tenantId), now).debtSeconds(now);
  }

  /** Charges a tenant for event-loop time its admitted items took, once it is known. */
  chargeProcessing(tenantId: string, ms: number): void {
    const now = this.now();
    this.processingBucket(tenantId, this.limitsFor(tenantId), now).charge(ms, now);
  }

  private processingBucket(tenantId: string, l: IngestLimits, now: number): TokenBucket {
    return this.bucket(
      this.processing,
      tenantId,
      l.processingMsPerSecond,
      l.burstProcessingMs,
      now,
    );
  }

  private bucket(
    map: Map<string, TokenBucket>,
    tenantId: string,
    rate: number,
    burst: number,
    now: number,
  ): TokenBucket {
    let b = map.get(tenantId);
    if (!b) {
      b = new TokenBucket(rate, burst, now);
      map.set(tenantId, b);
    }
    return b;
  }
}
