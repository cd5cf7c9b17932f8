import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnClickHouse } from '../../../../../test/helpers/chdb.js';
import { RANGE, span, spanId, T0_NS, traceId } from '../contract/fixtures.js';
import type { SettleOptions, SpanRow } from '../types.js';
import { openClickHouseStorage } from './index.js';
import { spanToRow } from './rows.js';

/**
 * What only several stateless servers over one ClickHouse can get into: a child parked just after
 * its claim's writer looked, a settle that died between its insert and its delete, two servers
 * settling at once. Planted directly where a real race would leave them.
 */

type ChStorage = Awaited<ReturnType<typeof openClickHouseStorage>>;
const wallNs = () => BigInt(Date.now()) * 1_000_000n;
const settleOptions = (): SettleOptions => {
  const nowNs = wallNs();
  return { nowNs, expireBeforeNs: nowNs - 3_600_000_000_000n, forgetClaimsBeforeNs: 0n };
};

let n = 0;
function children(): { trace: string; spans: SpanRow[] } {
  const trace = traceId(3000 + ++n);
  const spans = [1, 2].map((k) =>
    span({
      tenantId: '',
      traceId: trace,
      spanId: spanId(30_000 + n * 10 + k),
      parentSpanId: spanId(30_000 + n * 10),
      startTimeUnixNano: T0_NS + BigInt(k),
      inputTokens: 10,
      model: 'm',
    }),
  );
  return { trace, spans };
}

describeOnClickHouse('ClickHouse trace-level tenants across servers', (target) => {
  let a: ChStorage;
  let b: ChStorage;
  beforeAll(async () => {
    // Two servers over one database, as behind a load balancer.
    a = await openClickHouseStorage(target().options('trace_tenants'));
    b = await openClickHouseStorage(target().options('trace_tenants'));
    await a.migrate();
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  const spansOf = async (tenantId: string) =>
    (
      await a.tenantAggregates(
        { tenantId },
        { range: RANGE, sort: 'tenant', order: 'asc', limit: 1, offset: 0, prices: {} },
      )
    )[0]?.spans ?? 0;
  const park = (spans: SpanRow[]) =>
    a.ch.insert(
      'parked_spans',
      spans.map((s) => ({ ...spanToRow(s), parked_ns: wallNs().toString() })),
    );
  const claim = (trace: string, tenantId: string, fromRoot = true) =>
    b.write({
      spans: [],
      logs: [],
      metrics: [],
      traceClaims: [{ traceId: trace, tenantId, fromRoot }],
    });

  it('adopts, at the next settle, a child parked just after its claim was written', async () => {
    const { trace, spans } = children();
    await claim(trace, 'race');
    await park(spans);
    expect(await spansOf('race')).toBe(0);
    expect(await a.settleParkedSpans(settleOptions())).toEqual({ adopted: 2, expired: 0 });
    expect(await spansOf('race')).toBe(2);
    expect((await a.parkedSpans()).count).toBe(0);
  });

  it('redoes a settle that died between its insert and its delete without counting twice', async () => {
    const { trace, spans } = children();
    await claim(trace, 'crash');
    await a.ch.insert(
      'spans',
      spans.map((s) => spanToRow({ ...s, tenantId: 'crash' })),
    );
    await park(spans);
    expect(await b.settleParkedSpans(settleOptions())).toEqual({ adopted: 0, expired: 0 });
    expect(await spansOf('crash')).toBe(2);
    expect((await a.parkedSpans()).count).toBe(0);
  });

  it('keeps a child where its first claim put it when the root claim arrives later', async () => {
    const { trace, spans } = children();
    await a.write({ spans: [], logs: [], metrics: [], pendingSpans: spans });
    // A non-root claim adopts the parked children at write time; the park still holds them.
    expect(await claim(trace, 'zeta', false)).toMatchObject({ spansWritten: 2, spansDuplicate: 0 });
    expect(await spansOf('zeta')).toBe(2);
    // The children still in the park are found stored: neither written again nor a client's resend.
    expect(await claim(trace, 'acme', true)).toMatchObject({ spansWritten: 0, spansDuplicate: 0 });
    await a.settleParkedSpans(settleOptions());
    await b.settleParkedSpans(settleOptions());
    expect([await spansOf('zeta'), await spansOf('acme')]).toEqual([2, 0]);
    expect((await a.parkedSpans()).count).toBe(0);
  });

  it('leaves a child in _unassigned once expired, even when its tenant and a resend come later', async () => {
    const { trace, spans } = children();
    await a.write({ spans: [], logs: [], metrics: [], pendingSpans: spans });
    const nowNs = wallNs();
    const expire = { nowNs, expireBeforeNs: nowNs + 1_000_000_000n, forgetClaimsBeforeNs: 0n };
    expect(await a.settleParkedSpans(expire)).toEqual({ adopted: 0, expired: 2 });
    await claim(trace, 'late');
    expect(await b.write({ spans: [], logs: [], metrics: [], pendingSpans: spans })).toMatchObject({
      spansWritten: 0,
      spansDuplicate: 2,
      spansParked: 0,
    });
    expect([await spansOf('_unassigned'), await spansOf('late')]).toEqual([2, 0]);
  });

  it('counts spans once when two servers settle the same traces at once', async () => {
    const traces = [children(), children(), children()];
    for (const t of traces) {
      await claim(t.trace, 'twice');
      await park(t.spans);
    }
    const [ra, rb] = await Promise.all([
      a.settleParkedSpans(settleOptions()),
      b.settleParkedSpans(settleOptions()),
    ]);
    // Both may report a span they both wrote; storage still holds it once.
    expect(ra.adopted + rb.adopted).toBeGreaterThanOrEqual(6);
    expect(await spansOf('twice')).toBe(6);
    expect((await a.parkedSpans()).count).toBe(0);
    expect((await a.traceSpans({ tenantId: 'twice' }, traces[0]!.trace)).length).toBe(2);
  });
});
