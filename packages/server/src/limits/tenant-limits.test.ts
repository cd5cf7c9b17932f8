import { describe, expect, it } from 'vitest';
import { DEFAULT_INGEST_LIMITS, type IngestLimits, TenantLimiter } from './tenant-limits.js';

/** A limiter on a clock the test moves. */
function limiter(overrides: Record<string, Partial<IngestLimits>>) {
  let now = 0;
  const l = new TenantLimiter(DEFAULT_INGEST_LIMITS, overrides, () => now);
  return { l, advance: (ms: number) => (now += ms) };
}

describe('processing-time budget', () => {
  it('refuses a tenant whose payloads overspent its budget until the debt is repaid, and no one else', () => {
    const { l, advance } = limiter({
      costly: { processingMsPerSecond: 100, burstProcessingMs: 200 },
    });
    expect(l.admit('costly', 1, 100)).toEqual({ ok: true });
    // Costs are known only afterwards: 200 ms saved up, 650 ms spent, 450 ms of debt.
    l.chargeProcessing('costly', 650);
    expect(l.admit('costly', 1, 100)).toEqual({
      ok: false,
      reason: 'processing_limited',
      retryAfterSeconds: 5,
    });
    expect(l.admit('other', 1, 100)).toEqual({ ok: true });

    advance(4_000);
    expect(l.admit('costly', 1, 100)).toMatchObject({ ok: false, retryAfterSeconds: 1 });
    advance(600);
    expect(l.admit('costly', 1, 100)).toEqual({ ok: true });
  });

  it('lets a tenant within its budget through however often it sends', () => {
    const { l, advance } = limiter({
      steady: { processingMsPerSecond: 100, burstProcessingMs: 200 },
    });
    for (let i = 0; i < 50; i++) {
      expect(l.admit('steady', 1, 100)).toEqual({ ok: true });
      l.chargeProcessing('steady', 9);
      advance(100);
    }
  });
});
