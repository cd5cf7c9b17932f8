import { afterAll, beforeAll, describe, expect, it as vitestIt } from 'vitest';
import type { Storage } from '../open.js';
import type { TenantAggregateRow, TenantSort } from '../read-types.js';
import { dataset, MS, PRICES, RANGE, spanId, T0_NS, traceId } from './fixtures.js';

const ALL = { tenantId: null };
const ALPHA = { tenantId: 'alpha' };
const BETA = { tenantId: 'beta' };

/**
 * Read side of the contract: every ReadStore method with exact expected values. `knownBugs`
 * names cases an adapter is known to fail; they run as `it.fails`, so fixing the bug turns the
 * suite red until the name is removed from the list.
 */
export function readContract(
  name: string,
  open: () => Promise<Storage>,
  knownBugs: readonly string[] = [],
): void {
  const it = (title: string, fn: () => Promise<void>) =>
    knownBugs.includes(title) ? vitestIt.fails(title, fn) : vitestIt(title, fn);
  describe(`${name}: reads`, () => {
    let s: Storage;
    beforeAll(async () => {
      s = await open();
      await s.write(dataset());
    });
    afterAll(() => s?.close());

    const tenants = (sort: TenantSort, order: 'asc' | 'desc' = 'desc', extra = {}) =>
      s.tenantAggregates(ALL, {
        range: RANGE,
        sort,
        order,
        limit: 50,
        offset: 0,
        prices: PRICES,
        ...extra,
      });

    it('aggregates runs, exact quantiles, failures, tokens, cost and tools per tenant', async () => {
      const rows = await tenants('tenant', 'asc');
      expect(rows.map((r) => r.tenantId)).toEqual(['_unassigned', 'alpha', 'beta']);
      const alpha = rows[1] as TenantAggregateRow;
      expect(alpha).toMatchObject({
        spans: 38,
        runs: 10,
        failedRuns: 2,
        llmCalls: 10,
        inputTokens: 5500,
        outputTokens: 550,
        llmTimeNs: 20_000_000,
        unpricedModels: [],
        toolCalls: 15,
        toolErrors: 3,
        lastSeenNs: T0_NS + 30_004n * MS,
      });
      // Durations 10..100 ms, interpolated like quantile_cont.
      expect(alpha.p50Ns).toBeCloseTo(55_000_000, 3);
      expect(alpha.p95Ns).toBeCloseTo(95_500_000, 3);
      expect(alpha.p99Ns).toBeCloseTo(99_100_000, 3);
      expect(alpha.costUsd).toBeCloseTo((5500 * 0.15 + 550 * 0.6) / 1e6, 12);
      const beta = rows[2] as TenantAggregateRow;
      expect(beta).toMatchObject({
        spans: 7,
        runs: 4,
        failedRuns: 0,
        llmCalls: 3,
        inputTokens: 3000,
        outputTokens: 30,
        costUsd: 0,
        unpricedModels: ['mystery'],
        toolCalls: 0,
      });
      expect(beta.p50Ns).toBe(50_000_000);
      const none = rows[0] as TenantAggregateRow;
      expect(none).toMatchObject({ spans: 1, runs: 0, p50Ns: null, p95Ns: null });
    });

    it('sorts by each key with nulls last, ties by tenant, and pages', async () => {
      const ids = (rows: TenantAggregateRow[]) => rows.map((r) => r.tenantId);
      expect(ids(await tenants('runs'))).toEqual(['alpha', 'beta', '_unassigned']);
      expect(ids(await tenants('cost'))).toEqual(['alpha', '_unassigned', 'beta']);
      expect(ids(await tenants('failure_rate'))).toEqual(['alpha', 'beta', '_unassigned']);
      expect(ids(await tenants('failure_rate', 'asc'))).toEqual(['beta', 'alpha', '_unassigned']);
      expect(ids(await tenants('p95'))).toEqual(['alpha', 'beta', '_unassigned']);
      expect(ids(await tenants('tokens'))).toEqual(['alpha', 'beta', '_unassigned']);
      expect(ids(await tenants('last_seen'))).toEqual(['beta', '_unassigned', 'alpha']);
      expect(ids(await tenants('tool_error_rate'))).toEqual(['alpha', '_unassigned', 'beta']);
      expect(ids(await tenants('tenant', 'asc', { limit: 1, offset: 1 }))).toEqual(['alpha']);
      expect(ids(await tenants('tenant', 'asc', { q: 'ALP' }))).toEqual(['alpha']);
    });

    it('never shows a tenant-bound scope another tenant', async () => {
      const rows = await s.tenantAggregates(BETA, {
        range: RANGE,
        sort: 'tenant',
        order: 'asc',
        limit: 50,
        offset: 0,
        prices: PRICES,
      });
      expect(rows.map((r) => r.tenantId)).toEqual(['beta']);
      expect(await s.fleetTotals(BETA, RANGE)).toEqual({
        tenants: 1,
        runs: 4,
        inputTokens: 3000,
        outputTokens: 30,
        llmTimeNs: 12_000_000,
      });
      expect(await s.traceSpans(BETA, traceId(1))).toEqual([]);
      expect(await s.traceLogs(BETA, traceId(1))).toEqual([]);
      expect(
        await s.searchSpans(ALPHA, {
          range: RANGE,
          model: 'mystery',
          attributes: [],
          limit: 10,
          offset: 0,
        }),
      ).toEqual([]);
    });

    it('totals the fleet', async () => {
      expect(await s.fleetTotals(ALL, RANGE)).toEqual({
        tenants: 3,
        runs: 14,
        inputTokens: 8500,
        outputTokens: 580,
        llmTimeNs: 32_000_000,
      });
    });

    it('buckets a tenant by aligned steps', async () => {
      const buckets = await s.tenantBuckets('alpha', RANGE, 5000n * MS, PRICES);
      const t0 = Number(T0_NS / MS);
      expect(buckets.map((b) => [b.bucket - t0, b.runs, b.llmCalls])).toEqual([
        [0, 4, 4],
        [5000, 5, 5],
        [10000, 1, 1],
        [30000, 0, 0],
      ]);
      expect(buckets[0]?.llmP95Ns).toBe(2_000_000);
      expect(buckets[0]?.costUsd).toBeCloseTo(
        ((100 + 200 + 300 + 400) * 0.15 + 100 * 0.6) / 1e6,
        12,
      );
    });

    it('lists runs with per-run children, filters and pages', async () => {
      const list = (f: object) => s.listRuns(ALPHA, { range: RANGE, limit: 20, offset: 0, ...f });
      const all = await list({});
      expect(all.map((r) => r.span.traceId)).toEqual([10, 9, 8, 7, 6, 5, 4, 3, 2, 1].map(traceId));
      expect(all[9]).toMatchObject({
        llmCalls: 1,
        inputTokens: 100,
        outputTokens: 10,
        toolCalls: 6,
        toolErrors: 1,
        firstError: 'answer failed validation',
      });
      expect(all[7]?.firstError).toBe('search failed');
      expect(all[0]?.firstError).toBeNull();
      expect(all[9]?.span).toMatchObject({ userId: 'u-erase', agentName: 'support', isRun: true });
      const traces = async (f: object) => (await list(f)).map((r) => r.span.traceId);
      expect(await traces({ status: 'error' })).toEqual([2, 1].map(traceId));
      expect(await traces({ agent: 'billing' })).toEqual([10, 8, 6, 4, 2].map(traceId));
      expect(await traces({ minDurationNs: 80n * MS })).toEqual([10, 9, 8].map(traceId));
      expect(await traces({ q: 'VALIDATION' })).toEqual([2, 1].map(traceId));
      expect(await traces({ limit: 3, offset: 3 })).toEqual([7, 6, 5].map(traceId));
      expect(
        await s.listRuns(BETA, { range: RANGE, limit: 20, offset: 0, agent: 'support' }),
      ).toEqual([]);
    });

    it('returns a trace with exact span fields, and its logs in time order', async () => {
      const spans = await s.traceSpans(ALPHA, traceId(1));
      expect(spans).toHaveLength(8);
      const expected = dataset().spans.find((x) => x.spanId === spanId(100));
      expect(spans[0]).toEqual(expected);
      const logs = await s.traceLogs(ALL, traceId(1));
      expect(logs.map((l) => l.body)).toEqual([
        'run started',
        'search returned a 48h old cache entry',
      ]);
      expect(logs[1]).toEqual(dataset().logs[0]);
      expect((await s.traceSpans(ALL, traceId(950))).map((x) => x.tenantId)).toEqual([
        'beta',
        'alpha',
      ]);
    });

    it('reads a trace page: its spans, and its logs in each tenant it was found in', async () => {
      for (const scope of [ALL, ALPHA, BETA]) {
        for (const id of [traceId(1), traceId(950), traceId(404)]) {
          const read = await s.readTrace(scope, id);
          expect(read.spans).toEqual(await s.traceSpans(scope, id));
          const tenants = [...new Set(read.spans.map((x) => x.tenantId))];
          const logs = (
            await Promise.all(tenants.map((tenantId) => s.traceLogs({ tenantId }, id)))
          ).flat();
          expect(read.logs).toHaveLength(logs.length);
          expect(read.logs).toEqual(expect.arrayContaining(logs));
        }
      }
      expect((await s.readTrace(ALL, traceId(1))).logs.map((l) => l.body)).toEqual([
        'run started',
        'search returned a 48h old cache entry',
      ]);
    });

    it('finds linked traces in scope only', async () => {
      expect(await s.linkedTraces(ALL, traceId(1), [])).toEqual([
        { traceId: traceId(101), rootName: 'invoke_agent triage', relation: 'linked_from' },
      ]);
      expect(await s.linkedTraces(ALPHA, traceId(1), [])).toEqual([]);
      // Within a window around the traces (what the trace route passes), the same answer.
      expect(await s.linkedTraces(ALL, traceId(1), [], RANGE)).toEqual([
        { traceId: traceId(101), rootName: 'invoke_agent triage', relation: 'linked_from' },
      ]);
      expect(await s.linkedTraces(ALL, traceId(101), [traceId(1)])).toEqual([
        { traceId: traceId(1), rootName: 'invoke_agent support', relation: 'links_to' },
      ]);
      expect(await s.linkedTraces(BETA, traceId(101), [traceId(1)])).toEqual([]);
    });

    it('searches spans by name, tool, model, status and string or number attributes', async () => {
      const count = async (scope: { tenantId: string | null }, f: object) =>
        (await s.searchSpans(scope, { range: RANGE, attributes: [], limit: 100, offset: 0, ...f }))
          .length;
      expect(await count(ALPHA, { tool: 'search' })).toBe(15);
      expect(await count(ALPHA, { status: 'error' })).toBe(5);
      expect(await count(ALL, { name: 'chat mystery' })).toBe(3);
      expect(await count(ALL, { model: 'gpt-4o-mini' })).toBe(10);
      expect(await count(ALL, { attributes: [{ key: 'http.status_code', value: '500' }] })).toBe(3);
      expect(
        await count(ALL, { attributes: [{ key: 'gen_ai.agent.name', value: 'billing' }] }),
      ).toBe(5);
      expect(
        await count(ALL, { attributes: [{ key: "x'); DROP TABLE spans; --", value: '1' }] }),
      ).toBe(0);
      const page = await s.searchSpans(ALPHA, {
        range: RANGE,
        tool: 'search',
        attributes: [],
        limit: 2,
        offset: 1,
      });
      expect(page.map((x) => x.spanId)).toEqual([spanId(910), spanId(810)]);
    });

    it('searches logs by severity, text, trace and agent', async () => {
      const bodies = async (scope: { tenantId: string | null }, f: object) =>
        (await s.searchLogs(scope, { range: RANGE, limit: 100, offset: 0, ...f })).map(
          (l) => l.body,
        );
      expect(await bodies(ALPHA, { minSeverity: 17 })).toEqual([
        'search returned a 48h old cache entry',
      ]);
      expect(await bodies(ALPHA, { q: 'CACHE' })).toEqual([
        'search returned a 48h old cache entry',
      ]);
      expect(await bodies(BETA, { q: 'cache' })).toEqual([]);
      expect((await bodies(ALL, { traceId: traceId(1) })).sort()).toEqual([
        'run started',
        'search returned a 48h old cache entry',
      ]);
      expect(await bodies(ALL, { agent: 'support-v1', limit: 1 })).toEqual([
        'search returned a 48h old cache entry',
      ]);
      expect(await bodies(ALL, {})).toHaveLength(4);
    });

    it('diagnoses orphans, missing tenants, mixed traces and unfinished runs', async () => {
      const all = await s.doctor(ALL, RANGE, RANGE.toNs);
      expect(all.orphanSpans.count).toBe(2);
      expect(all.orphanSpans.examples.map((e) => e.spanId).sort()).toEqual([
        spanId(9000),
        spanId(9010),
      ]);
      expect(all.missingTenant.count).toBe(1);
      expect(all.missingTenant.examples[0]?.traceId).toBe(traceId(960));
      expect(all.mixedTenantTraces.count).toBe(1);
      expect(all.mixedTenantTraces.examples[0]).toMatchObject({
        traceId: traceId(950),
        tenantId: 'alpha',
        detail: 'trace holds spans of 2 tenants',
      });
      expect(all.unfinishedRuns.count).toBe(1);
      expect(all.unfinishedRuns.examples[0]).toMatchObject({
        tenantId: 'alpha',
        traceId: traceId(901),
      });
      const beta = await s.doctor(BETA, RANGE, RANGE.toNs);
      expect([beta.orphanSpans.count, beta.missingTenant.count, beta.unfinishedRuns.count]).toEqual(
        [0, 0, 0],
      );
      expect(beta.mixedTenantTraces.examples[0]?.tenantId).toBe('beta');
      // Spans after the settle line are not judged yet.
      const early = await s.doctor(ALL, RANGE, T0_NS + 20_000n * MS);
      expect(early.orphanSpans.count).toBe(0);
    });

    it('feeds the alert engine window stats and runaway runs', async () => {
      const fromMs = Number(RANGE.fromNs / MS);
      const toMs = Number(RANGE.toNs / MS);
      const stats = await s.windowStats(fromMs, toMs);
      const alpha = stats.find((x) => x.tenantId === 'alpha');
      expect(alpha).toMatchObject({
        runs: 10,
        failedRuns: 2,
        toolCalls: 15,
        toolErrors: 3,
        llmCalls: 10,
        inputTokens: 5500,
        outputTokens: 550,
        exampleFailedTraceId: traceId(2),
      });
      expect(alpha?.runLatencyMs.p50).toBeCloseTo(55, 9);
      expect(stats.find((x) => x.tenantId === 'beta')?.exampleFailedTraceId).toBeNull();
      expect((await s.windowStats(fromMs, toMs, ['beta'])).map((x) => x.tenantId)).toEqual([
        'beta',
      ]);
      const runaway = await s.runawayRuns(fromMs, toMs, {
        maxLlmCalls: 100,
        maxTokens: 1e9,
        maxRepeatedToolCalls: 3,
      });
      expect(runaway).toEqual([
        {
          tenantId: 'alpha',
          traceId: traceId(1),
          spanId: spanId(100),
          agentName: 'support',
          llmCalls: 1,
          totalTokens: 110,
          topRepeatedTool: { name: 'search', arguments: '{"q":"refund"}', count: 6 },
        },
      ]);
      const byTokens = await s.runawayRuns(fromMs, toMs, {
        maxLlmCalls: 100,
        maxTokens: 1000,
        maxRepeatedToolCalls: 100,
      });
      // Tokens > 1000: alpha run 10 (1100), then beta's three runs (1010 each, in any order).
      expect(byTokens[0]?.traceId).toBe(traceId(10));
      expect(
        byTokens
          .slice(1)
          .map((r) => r.traceId)
          .sort(),
      ).toEqual([101, 102, 103].map(traceId));
    });
  });
}
