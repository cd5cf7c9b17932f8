import { describe, expect, it } from 'vitest';
import { span, spanId, T0_NS, traceId } from '../contract/fixtures.js';
import { encodeSpanColumns } from '../span-columns.js';
import { RecentSpanKeys } from './recent-span-keys.js';

const SECOND = 1_000_000_000n;
const at = (i: number, start: bigint) =>
  span({ tenantId: 't', traceId: traceId(i), spanId: spanId(i), startTimeUnixNano: start });
const ids = (spans: Array<{ spanId: string }>) => spans.map((s) => s.spanId);

describe('RecentSpanKeys', () => {
  it('appends unseen spans directly and checks repeats, within and across batches', () => {
    const keys = new RecentSpanKeys(null);
    const first = keys.classify([at(1, T0_NS), at(2, T0_NS), at(1, T0_NS)]);
    expect(ids(first.fresh)).toEqual([spanId(1), spanId(2)]);
    expect(ids(first.suspect)).toEqual([spanId(1)]);
    const again = keys.classify([at(2, T0_NS), at(3, T0_NS)]);
    expect(ids(again.fresh)).toEqual([spanId(3)]);
    expect(ids(again.suspect)).toEqual([spanId(2)]);
  });

  it('checks every span that starts before the newest stored one after a restart', () => {
    const keys = new RecentSpanKeys(T0_NS + 60n * SECOND);
    const { fresh, suspect } = keys.classify([at(1, T0_NS), at(2, T0_NS + 3600n * SECOND)]);
    expect(ids(suspect)).toEqual([spanId(1)]);
    expect(ids(fresh)).toEqual([spanId(2)]);
  });

  it('drops the oldest fingerprints past capacity and checks those spans from then on', () => {
    const keys = new RecentSpanKeys(null, { capacity: 100 });
    const old = Array.from({ length: 80 }, (_, i) => at(i, T0_NS));
    const recent = Array.from({ length: 80 }, (_, i) => at(1000 + i, T0_NS + 600n * SECOND));
    expect(keys.classify(old).fresh).toHaveLength(80);
    expect(keys.classify(recent).fresh).toHaveLength(80);
    expect(keys.size).toBeLessThanOrEqual(100);
    // The old spans' bucket is gone: a resend of one is checked, not trusted as new.
    const resent = keys.classify([at(5, T0_NS), at(1005, T0_NS + 600n * SECOND)]);
    expect(resent.fresh).toEqual([]);
    expect(ids(resent.suspect)).toEqual([spanId(5), spanId(1005)]);
  });

  it('classifies span columns as it classifies the same rows, across buckets and the watermark', () => {
    // Start times around the watermark, in and out of order, some far apart, some before 1970.
    const starts = [0n, -7n * SECOND, T0_NS, T0_NS + 9n * SECOND, T0_NS + 11n * SECOND, T0_NS - 1n];
    const batch = (from: number) =>
      Array.from({ length: 60 }, (_, i) => at((from + i) % 50, starts[i % starts.length]!));
    const byRows = new RecentSpanKeys(T0_NS);
    const byColumns = new RecentSpanKeys(T0_NS);
    for (const from of [0, 25, 40]) {
      const spans = batch(from);
      const rows = byRows.classify(spans);
      const cols = byColumns.classifyColumns(encodeSpanColumns(spans));
      expect(spans.filter((_, r) => cols.fresh[r] === 1)).toEqual(rows.fresh);
      expect(cols.suspects).toBe(rows.suspect.length);
    }
    expect(byColumns.size).toBe(byRows.size);
  });
});
