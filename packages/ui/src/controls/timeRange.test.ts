import { describe, expect, it } from 'vitest';
import { isRelative, parseTime, rangeNow, refreshSeconds } from './timeRange.js';

const NOW = Date.parse('2026-05-01T12:00:00Z');

describe('time range parameters', () => {
  it('resolves relative values against now', () => {
    expect(parseTime('now', NOW)).toBe(NOW);
    expect(parseTime('now-15m', NOW)).toBe(NOW - 15 * 60_000);
    expect(parseTime('now-7d', NOW)).toBe(NOW - 7 * 86_400_000);
    expect(isRelative('now-1h')).toBe(true);
  });

  it('accepts the ISO times alert links carry, and epoch milliseconds', () => {
    expect(parseTime('2026-05-01T11:00:00.000Z', NOW)).toBe(NOW - 3_600_000);
    expect(parseTime(String(NOW - 5000), NOW)).toBe(NOW - 5000);
    expect(isRelative('2026-05-01T11:00:00.000Z')).toBe(false);
  });

  it('ends a range ending now at or after now, on a whole second', () => {
    expect(rangeNow(NOW + 300)).toBe(NOW + 1000);
    expect(rangeNow(NOW)).toBe(NOW);
    expect(rangeNow(NOW + 999)).toBeGreaterThanOrEqual(NOW + 999);
  });

  it('rejects what it cannot read instead of guessing', () => {
    expect(parseTime('yesterday', NOW)).toBeNull();
    expect(parseTime('now-5y', NOW)).toBeNull();
  });

  it('reads auto-refresh choices, off for anything else', () => {
    expect(refreshSeconds('30s')).toBe(30);
    expect(refreshSeconds('5m')).toBe(300);
    expect(refreshSeconds('off')).toBe(0);
    expect(refreshSeconds(null)).toBe(0);
  });
});
