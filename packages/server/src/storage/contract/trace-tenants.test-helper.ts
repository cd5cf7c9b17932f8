import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Storage } from '../open.js';
import type { TraceClaim } from '../trace-claims.js';
import type { SettleOptions, SpanRow } from '../types.js';
import { MS, RANGE, span, spanId, T0_NS, traceId } from './fixtures.js';

/**
 * Trace-level tenants (storage/types.ts TraceTenantStore): spans that state no tenant take their
 * trace's. What every engine guarantees once `settleParkedSpans` has run; an engine may adopt
 * sooner (DuckDB and ClickHouse both do at write time when they can), and settling is idempotent.
 */

const NS_PER_MS = 1_000_000n;
const HOUR_NS = 3_600_000n * NS_PER_MS;
const wallNs = () => BigInt(Date.now()) * NS_PER_MS;

/** Settles with a one-hour window: nothing parked by these tests expires unless `expire` says so. */
function settleOptions(p: { expire?: boolean; forget?: boolean } = {}): SettleOptions {
  const nowNs = wallNs();
  return {
    nowNs,
    expireBeforeNs: p.expire ? nowNs + 1_000n * NS_PER_MS : nowNs - HOUR_NS,
    forgetClaimsBeforeNs: p.forget ? nowNs + 2n * HOUR_NS : nowNs - 2n * HOUR_NS,
  };
}

const claim = (trace: string, tenantId: string, fromRoot = false): TraceClaim => ({
  traceId: trace,
  tenantId,
  fromRoot,
});

/** The guide's run: a root stating its tenant and two children (an LLM call, a tool) stating none. */
function run(n: number, tenantId: string) {
  const trace = traceId(2000 + n);
  const start = T0_NS + BigInt(n) * 1000n * MS;
  const root = span({
    tenantId,
    traceId: trace,
    spanId: spanId(20_000 + n * 10),
    name: 'agent.run',
    isRun: true,
    startTimeUnixNano: start,
    durationNs: 30n * MS,
    attributes: { 'tenant.id': tenantId },
  });
  const child = (k: number, p: Partial<SpanRow>) =>
    span({
      tenantId: '',
      traceId: trace,
      spanId: spanId(20_000 + n * 10 + k),
      parentSpanId: root.spanId,
      startTimeUnixNano: start + BigInt(k) * MS,
      ...p,
    });
  const children = [
    child(1, { name: 'call LLM', kind: 3, model: 'gpt-4o-mini', inputTokens: 120 }),
    child(2, { name: 'execute tool', operation: 'execute_tool', toolName: 'search' }),
  ];
  return { trace, root, children, claim: claim(trace, tenantId, true) };
}

export function traceTenantContract(name: string, open: () => Promise<Storage>): void {
  describe(`${name}: trace-level tenants`, () => {
    let s: Storage;
    beforeEach(async () => {
      s = await open();
    });
    afterEach(() => s?.close());

    const byTenant = async () =>
      new Map(
        (
          await s.tenantAggregates(
            { tenantId: null },
            { range: RANGE, sort: 'tenant', order: 'asc', limit: 50, offset: 0, prices: {} },
          )
        ).map((r) => [r.tenantId, r]),
      );
    const write = (p: {
      spans?: SpanRow[];
      pendingSpans?: SpanRow[];
      traceClaims?: TraceClaim[];
    }) => s.write({ spans: [], logs: [], metrics: [], ...p });

    it('gives pending spans the tenant of a claim in the same batch, root claim first', async () => {
      const a = run(1, 'acme');
      const b = run(2, 'globex');
      const result = await write({
        spans: [a.root],
        pendingSpans: [...a.children, ...b.children],
        // Trace a: a smaller tenant's non-root claim loses to the root's. Trace b: no root claim,
        // the smallest tenant id decides.
        traceClaims: [
          claim(a.trace, 'aaa'),
          a.claim,
          claim(b.trace, 'zeta'),
          claim(b.trace, 'beta'),
        ],
      });
      expect(result).toMatchObject({ spansWritten: 5, spansParked: 0, spansDuplicate: 0 });
      const tenants = await byTenant();
      expect([...tenants.keys()]).toEqual(['acme', 'beta']);
      expect(tenants.get('acme')).toMatchObject({ spans: 3, runs: 1, llmCalls: 1, toolCalls: 1 });
      expect(tenants.get('acme')?.inputTokens).toBe(120);
      expect(tenants.get('beta')).toMatchObject({ spans: 2, runs: 0, llmCalls: 1 });
      expect(await s.parkedSpans()).toEqual({ count: 0, oldestParkedNs: 0n });
    });

    it('gives pending spans the tenant of a claim stored earlier', async () => {
      const a = run(1, 'acme');
      await write({ spans: [a.root], traceClaims: [a.claim] });
      expect(await write({ pendingSpans: a.children })).toMatchObject({
        spansWritten: 2,
        spansParked: 0,
      });
      expect((await byTenant()).get('acme')).toMatchObject({ spans: 3, runs: 1, llmCalls: 1 });
      expect((await s.parkedSpans()).count).toBe(0);
    });

    it("weighs a claim stored earlier with the batch's own: the stored root claim decides", async () => {
      const a = run(1, 'zulu');
      await write({ spans: [a.root], traceClaims: [a.claim] });
      // A later batch claims the same trace for a smaller tenant id, not from its root, and brings
      // the children: the root's claim, stored before, still decides.
      await write({ pendingSpans: a.children, traceClaims: [claim(a.trace, 'aaa')] });
      const tenants = await byTenant();
      expect([...tenants.keys()]).toEqual(['zulu']);
      expect(tenants.get('zulu')).toMatchObject({ spans: 3, runs: 1 });
    });

    it('counts a child whose host clock runs behind its root in the run', async () => {
      const a = run(1, 'acme');
      // The LLM call ran on a worker whose clock is 20 ms behind the gateway that made the root.
      const early = { ...a.children[0]!, startTimeUnixNano: a.root.startTimeUnixNano - 20n * MS };
      await write({ spans: [a.root], pendingSpans: [early], traceClaims: [a.claim] });
      const runs = await s.listRuns({ tenantId: 'acme' }, { range: RANGE, limit: 1, offset: 0 });
      expect(runs).toHaveLength(1);
      expect(runs[0]).toMatchObject({ llmCalls: 1, inputTokens: 120 });
    });

    it('erasing a tenant erases its claims: a later child of its trace waits, it is not adopted', async () => {
      const a = run(1, 'acme');
      await write({ spans: [a.root], traceClaims: [a.claim] });
      await s.deleteTenant('acme');
      expect(await write({ pendingSpans: a.children })).toMatchObject({
        spansWritten: 0,
        spansParked: 2,
      });
      expect(await byTenant()).toEqual(new Map());
    });

    it('parks spans invisibly until their claim arrives, then adopts them', async () => {
      const a = run(1, 'acme');
      const before = wallNs();
      expect(await write({ pendingSpans: a.children })).toMatchObject({
        spansWritten: 0,
        spansParked: 2,
      });
      const after = wallNs();
      const parked = await s.parkedSpans();
      expect(parked.count).toBe(2);
      expect(parked.oldestParkedNs >= before && parked.oldestParkedNs <= after).toBe(true);
      expect((await byTenant()).size).toBe(0);
      expect(await s.traceSpans({ tenantId: null }, a.trace)).toEqual([]);
      expect(await s.listTenantIds()).toEqual([]);

      await write({ spans: [a.root], traceClaims: [a.claim] });
      expect((await s.settleParkedSpans(settleOptions())).expired).toBe(0);
      const acme = (await byTenant()).get('acme');
      expect(acme).toMatchObject({ spans: 3, runs: 1, llmCalls: 1, toolCalls: 1 });
      expect(acme?.inputTokens).toBe(120);
      const trace = await s.traceSpans({ tenantId: 'acme' }, a.trace);
      expect(trace.map((x) => x.tenantId)).toEqual(['acme', 'acme', 'acme']);
      expect(trace.find((x) => x.spanId === a.children[0]!.spanId)).toEqual({
        ...a.children[0],
        tenantId: 'acme',
      });
      expect(await s.parkedSpans()).toEqual({ count: 0, oldestParkedNs: 0n });
      // Settling again changes nothing.
      expect(await s.settleParkedSpans(settleOptions())).toEqual({ adopted: 0, expired: 0 });
      expect((await byTenant()).get('acme')).toMatchObject({ spans: 3, llmCalls: 1 });
    });

    it('moves spans whose claim never arrives to _unassigned once the window ends', async () => {
      const a = run(1, 'acme');
      await write({ pendingSpans: a.children });
      expect(await s.settleParkedSpans(settleOptions())).toEqual({ adopted: 0, expired: 0 });
      expect((await s.parkedSpans()).count).toBe(2);
      expect(await s.settleParkedSpans(settleOptions({ expire: true }))).toEqual({
        adopted: 0,
        expired: 2,
      });
      const tenants = await byTenant();
      expect([...tenants.keys()]).toEqual(['_unassigned']);
      expect(tenants.get('_unassigned')).toMatchObject({ spans: 2, llmCalls: 1 });
      expect(await s.parkedSpans()).toEqual({ count: 0, oldestParkedNs: 0n });
      expect(await s.settleParkedSpans(settleOptions({ expire: true }))).toEqual({
        adopted: 0,
        expired: 0,
      });
      expect((await byTenant()).get('_unassigned')).toMatchObject({ spans: 2 });
    });

    it('counts a span resent while parked, and after, once', async () => {
      const a = run(1, 'acme');
      await write({ pendingSpans: a.children });
      await write({ pendingSpans: [...a.children, ...a.children.map((c) => ({ ...c }))] });
      expect((await s.parkedSpans()).count).toBe(2);
      await write({ spans: [a.root], traceClaims: [a.claim] });
      await s.settleParkedSpans(settleOptions());
      expect(await write({ pendingSpans: a.children })).toMatchObject({
        spansWritten: 0,
        spansDuplicate: 2,
        spansParked: 0,
      });
      await s.settleParkedSpans(settleOptions());
      const acme = (await byTenant()).get('acme');
      expect(acme).toMatchObject({ spans: 3, llmCalls: 1, toolCalls: 1 });
      expect(acme?.inputTokens).toBe(120);
      expect(await s.traceSpans({ tenantId: 'acme' }, a.trace)).toHaveLength(3);
      expect((await s.parkedSpans()).count).toBe(0);
    });

    it('forgets claims older than the cutoff: later children of the trace are parked', async () => {
      const a = run(1, 'acme');
      const b = run(2, 'globex');
      await write({ spans: [a.root, b.root], traceClaims: [a.claim, b.claim] });
      await s.settleParkedSpans(settleOptions());
      expect(await write({ pendingSpans: [a.children[0]!] })).toMatchObject({ spansParked: 0 });
      await s.settleParkedSpans(settleOptions({ forget: true }));
      expect(await write({ pendingSpans: [b.children[0]!] })).toMatchObject({
        spansWritten: 0,
        spansParked: 1,
      });
      await s.settleParkedSpans(settleOptions());
      expect((await s.parkedSpans()).count).toBe(1);
      const tenants = await byTenant();
      expect(tenants.get('acme')).toMatchObject({ spans: 2 });
      expect(tenants.get('globex')).toMatchObject({ spans: 1 });
    });
  });
}
