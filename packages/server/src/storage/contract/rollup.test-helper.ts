import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Storage } from '../open.js';
import type { NsRange, TenantListQuery } from '../read-types.js';
import type { SpanRow } from '../types.js';
import { MS, span, spanId, T0_NS, traceId } from './fixtures.js';

const HOUR = 3_600_000n * MS;
const H0 = (T0_NS / HOUR) * HOUR;
const TENANTS = ['alpha', 'beta', 'gamma'];
const PRICES = { 'm-priced': { input: 1, output: 2 } };

/** Run `n` of tenant `t`: a root, an LLM call (priced, unpriced or no model) and a tool call. */
function run(t: number, n: number, start: bigint): SpanRow[] {
  const tenantId = TENANTS[t]!;
  const tid = traceId(10_000 * (t + 1) + n);
  const root = span({
    tenantId,
    traceId: tid,
    spanId: spanId(100_000 * (t + 1) + n * 10),
    name: 'invoke_agent support',
    startTimeUnixNano: start,
    durationNs: BigInt(((n * 37) % 500) + 10) * MS,
    statusCode: n % 7 === 0 ? 2 : 0,
    operation: 'invoke_agent',
    isRun: true,
    userId: n % 10 === 3 ? 'u-erase' : null,
  });
  const llm = span({
    tenantId,
    traceId: tid,
    spanId: spanId(100_000 * (t + 1) + n * 10 + 1),
    parentSpanId: root.spanId,
    name: 'chat',
    kind: 3,
    startTimeUnixNano: start + MS,
    durationNs: BigInt((n % 9) + 1) * MS,
    operation: 'chat',
    model: ['m-priced', 'm-free', null][n % 3]!,
    provider: 'acme',
    inputTokens: 100 + n,
    outputTokens: 10 + (n % 4),
  });
  const tool = span({
    tenantId,
    traceId: tid,
    spanId: spanId(100_000 * (t + 1) + n * 10 + 2),
    parentSpanId: root.spanId,
    name: 'execute_tool search',
    startTimeUnixNano: start + 2n * MS,
    operation: 'execute_tool',
    toolName: 'search',
    statusCode: n % 5 === 0 ? 2 : 0,
  });
  return [root, llm, tool];
}

/** 60 runs per tenant over five hours from H0, a tenant's runs a few seconds apart from another's. */
function fleet(): SpanRow[] {
  return TENANTS.flatMap((_, t) =>
    Array.from({ length: 60 }, (_, n) =>
      run(t, n, H0 + BigInt(n) * 300_000n * MS + BigInt(t) * 7000n * MS),
    ),
  ).flat();
}

const RANGES: Record<string, NsRange> = {
  'whole hours': { fromNs: H0, toNs: H0 + 5n * HOUR },
  'ragged ends': { fromNs: H0 + 17n * 60_000n * MS, toNs: H0 + 4n * HOUR + 3n * 60_000n * MS },
  'inside one hour': { fromNs: H0 + HOUR + MS, toNs: H0 + 2n * HOUR - MS },
};

/** Every overview read the rollup serves: sorts, pages, name filter, scopes, fleet totals. */
async function overview(s: Storage) {
  const out: Record<string, unknown> = {};
  for (const [name, range] of Object.entries(RANGES)) {
    const q = (p: Partial<TenantListQuery>): TenantListQuery => ({
      range,
      sort: 'runs',
      order: 'desc',
      limit: 50,
      offset: 0,
      prices: PRICES,
      ...p,
    });
    for (const sort of ['runs', 'p95', 'cost', 'tenant', 'last_seen', 'failure_rate'] as const) {
      out[`${name} ${sort}`] = await s.tenantAggregates({ tenantId: null }, q({ sort }));
    }
    out[`${name} page 2`] = await s.tenantAggregates(
      { tenantId: null },
      q({ limit: 1, offset: 1 }),
    );
    out[`${name} q`] = await s.tenantAggregates({ tenantId: null }, q({ q: 'ET' }));
    out[`${name} beta`] = await s.tenantAggregates({ tenantId: 'beta' }, q({}));
    out[`${name} fleet`] = await s.fleetTotals({ tenantId: null }, range);
    out[`${name} fleet beta`] = await s.fleetTotals({ tenantId: 'beta' }, range);
  }
  return out;
}

/**
 * The tenant rollup of an engine against the same engine without it: `rolled` is swept (rollup
 * built for hours closed before the cutoff), `plain` never is, so its overview is a scan of spans.
 * Every overview read must match, including after late rows, retention and erasure.
 * `rolledUpTenants` lists the tenants the engine's rollup holds rows for.
 */
export function rollupContract(
  name: string,
  open: (which: 'rolled' | 'plain') => Promise<Storage>,
  sweep: (s: Storage, closedBeforeNs: bigint) => Promise<void>,
  rolledUpTenants: (s: Storage) => Promise<string[]>,
): void {
  describe(`${name}: tenant rollup`, () => {
    let rolled: Storage;
    let plain: Storage;
    const both = async (fn: (s: Storage) => Promise<unknown>) => {
      await fn(rolled);
      await fn(plain);
    };
    beforeAll(async () => {
      [rolled, plain] = [await open('rolled'), await open('plain')];
      await both((s) => s.write({ spans: fleet(), logs: [], metrics: [] }));
    });
    afterAll(async () => {
      await rolled?.close();
      await plain?.close();
    });

    it('answers the overview from closed hours exactly as from spans', async () => {
      const before = await overview(rolled);
      await sweep(rolled, H0 + 3n * HOUR);
      expect(await rolledUpTenants(rolled)).toEqual(TENANTS);
      expect(await overview(rolled)).toEqual(before);
      expect(await overview(rolled)).toEqual(await overview(plain));
    });

    it("answers a one-tenant scope with that tenant's row of the all-tenant page", async () => {
      // Engines may read one tenant with a plan of its own (DuckDB: no GROUP BY): same numbers,
      // cost and unpriced models (the fleet has a priced, an unpriced and no model), with or
      // without prices, from the rollup and from spans.
      for (const range of Object.values(RANGES)) {
        for (const prices of [PRICES, {}, { 'm-free': { input: 0.5, output: 3 }, ...PRICES }]) {
          const q = { range, sort: 'tenant', order: 'asc', limit: 50, offset: 0, prices } as const;
          const all = await rolled.tenantAggregates({ tenantId: null }, q);
          for (const tenantId of [...TENANTS, 'nobody']) {
            const one = await rolled.tenantAggregates({ tenantId }, q);
            expect(one).toEqual(all.filter((r) => r.tenantId === tenantId));
            expect(await rolled.tenantAggregates({ tenantId }, { ...q, offset: 1 })).toEqual([]);
          }
        }
      }
    });

    it('counts a late row in a rolled-up hour from the next sweep on', async () => {
      const late = run(0, 500, H0 + HOUR + 30n * 60_000n * MS);
      await both((s) => s.write({ spans: late, logs: [], metrics: [] }));
      const whole = { range: RANGES['whole hours']!, sort: 'tenant', order: 'asc' } as const;
      const read = (s: Storage) =>
        s.tenantAggregates({ tenantId: 'alpha' }, { ...whole, limit: 5, offset: 0, prices: {} });
      expect((await read(rolled))[0]!.runs).toBe((await read(plain))[0]!.runs - 1);
      await sweep(rolled, H0 + 3n * HOUR);
      expect(await overview(rolled)).toEqual(await overview(plain));
    });

    it('loses what retention deletes, in the same call', async () => {
      await both((s) => s.deleteOlderThan('alpha', H0 + HOUR + 20n * 60_000n * MS));
      expect(await overview(rolled)).toEqual(await overview(plain));
    });

    it("loses an erased user's runs, in the same call", async () => {
      await both((s) => s.deleteUser('beta', 'u-erase'));
      expect(await overview(rolled)).toEqual(await overview(plain));
    });

    it('keeps nothing of an erased tenant', async () => {
      expect(await rolledUpTenants(rolled)).toContain('gamma');
      await both((s) => s.deleteTenant('gamma'));
      expect(await rolledUpTenants(rolled)).not.toContain('gamma');
      expect(await overview(rolled)).toEqual(await overview(plain));
      await sweep(rolled, H0 + 6n * HOUR);
      expect(await overview(rolled)).toEqual(await overview(plain));
    });
  });
}
