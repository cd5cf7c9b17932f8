import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { whyReport } from '../../query/why.js';
import type { Storage } from '../open.js';
import type { WhyFacetRow, WhyField } from '../read-types.js';
import type { SpanRow } from '../types.js';
import { MS, span, spanId, T0_NS, traceId } from './fixtures.js';

/**
 * Tenant "gamma": 6 runs on support-platform 1.7.0 that pass, then 4 on 1.8.0 whose
 * get_account_data tool fails with StaleCacheError (and 1 passing run on 1.8.0). Tenant "delta"
 * fails the same tool on every run and must never show up in gamma's counts.
 */
function run(
  tenantId: string,
  n: number,
  version: string,
  fails: boolean,
  message = 'cached account is 48h old',
) {
  const tid = traceId(5000 + n);
  const start = T0_NS + BigInt(n) * 1000n * MS;
  const resourceAttributes = { 'service.name': 'support-platform', 'service.version': version };
  const root = span({
    tenantId,
    traceId: tid,
    spanId: spanId(50_000 + n * 10),
    name: 'invoke_agent support',
    startTimeUnixNano: start,
    durationNs: 50n * MS,
    statusCode: fails ? 2 : 0,
    statusMessage: fails ? 'tool get_account_data failed' : '',
    agentName: 'support',
    operation: 'invoke_agent',
    isRun: true,
    serviceName: 'support-platform',
    resourceAttributes,
  });
  const llm = span({
    tenantId,
    traceId: tid,
    spanId: spanId(50_000 + n * 10 + 1),
    parentSpanId: root.spanId,
    name: 'chat gpt-4o-mini',
    startTimeUnixNano: start + MS,
    operation: 'chat',
    model: 'gpt-4o-mini',
    serviceName: 'support-platform',
    resourceAttributes,
  });
  const tool = span({
    tenantId,
    traceId: tid,
    spanId: spanId(50_000 + n * 10 + 2),
    parentSpanId: root.spanId,
    name: 'execute_tool get_account_data',
    startTimeUnixNano: start + 5n * MS,
    operation: 'execute_tool',
    toolName: 'get_account_data',
    statusCode: fails ? 2 : 0,
    statusMessage: fails ? message : '',
    errorType: fails ? 'StaleCacheError' : null,
    serviceName: 'support-platform',
    resourceAttributes,
  });
  return [root, llm, tool];
}

/**
 * Tenant "zeta", two services as in the demo: demo-gateway 5.2.0 runs the agent (two spans in
 * every run: the tenant's most common service), demo-worker its tool (not in runs 1 and 3), on
 * 2.13.0 for runs 0-5 and 2.14.0 from run 6 (at 30 s), whose runs 7-11 fail. One demo-cron span
 * also reports 2.14.0: fewer spans, so not its service.
 */
function twoServices(): SpanRow[] {
  const gateway = { 'service.name': 'demo-gateway', 'service.version': '5.2.0' };
  const spans: SpanRow[] = [];
  for (let i = 0; i < 12; i++) {
    const tid = traceId(9000 + i);
    const start = T0_NS + BigInt(i) * 5000n * MS;
    const fails = i >= 7;
    const worker = {
      'service.name': 'demo-worker',
      'service.version': i < 6 ? '2.13.0' : '2.14.0',
    };
    const at = (k: number, p: Partial<SpanRow>) => ({
      tenantId: 'zeta',
      traceId: tid,
      spanId: spanId(90_000 + i * 10 + k),
      startTimeUnixNano: start + BigInt(k) * MS,
      ...(k > 0 ? { parentSpanId: spanId(90_000 + i * 10) } : {}),
      ...p,
    });
    spans.push(
      span(
        at(0, {
          name: 'invoke_agent support',
          durationNs: 50n * MS,
          statusCode: fails ? 2 : 0,
          isRun: true,
          operation: 'invoke_agent',
          serviceName: 'demo-gateway',
          resourceAttributes: gateway,
        }),
      ),
      span(
        at(1, {
          name: 'chat gpt-4o-mini',
          operation: 'chat',
          serviceName: 'demo-gateway',
          resourceAttributes: gateway,
        }),
      ),
    );
    if (i === 1 || i === 3) continue;
    spans.push(
      span(
        at(2, {
          name: 'execute_tool get_account_data',
          operation: 'execute_tool',
          toolName: 'get_account_data',
          statusCode: fails ? 2 : 0,
          errorType: fails ? 'StaleCacheError' : null,
          serviceName: 'demo-worker',
          resourceAttributes: worker,
        }),
      ),
    );
    if (i === 11) {
      const cron = { 'service.name': 'demo-cron', 'service.version': '2.14.0' };
      spans.push(
        span(at(3, { name: 'refresh cache', serviceName: 'demo-cron', resourceAttributes: cron })),
      );
    }
  }
  return spans;
}

function build(): SpanRow[] {
  const spans: SpanRow[] = [];
  for (let n = 1; n <= 6; n++) spans.push(...run('gamma', n, '1.7.0', false));
  for (let n = 7; n <= 10; n++) spans.push(...run('gamma', n, '1.8.0', true));
  spans.push(...run('gamma', 11, '1.8.0', false));
  for (let n = 20; n <= 22; n++) spans.push(...run('delta', n, '2.0.0', true));
  // Tenant "epsilon": 70 failing runs, each with a message of its own on its failing tool (a span
  // shape of its own: more than the 64 bits of DuckDB's run masks), then 10 passing runs.
  for (let n = 100; n < 180; n++) {
    spans.push(...run('epsilon', n, '1.8.0', n < 170, `account ${n} is stale`));
  }
  spans.push(...twoServices());
  return spans;
}

const RANGE = { fromNs: T0_NS, toNs: T0_NS + 60_000n * MS };

/** whyFacets: exact counts per facet on both engines. */
export function whyContract(name: string, open: () => Promise<Storage>): void {
  describe(`${name}: what failing runs share`, () => {
    let s: Storage;
    beforeAll(async () => {
      s = await open();
      const spans = build();
      await s.write({ spans, logs: [], metrics: [] });
      // A resent span never counts a run twice.
      await s.write({ spans: spans.slice(27, 30).map((x) => ({ ...x })), logs: [], metrics: [] });
    });
    afterAll(() => s?.close());

    const find = (rows: WhyFacetRow[], field: string, value: string) =>
      rows.find((r) => r.field === field && r.value === value);

    it("opens a finding's runs: the runs list filtered by it holds the runs the why counted", async () => {
      const out = await s.whyFacets('zeta', { range: RANGE, perField: 5 });
      const runs = (finding: { field: WhyField; value: string }, status?: 'error') =>
        s.listRuns(
          { tenantId: 'zeta' },
          { range: RANGE, finding, limit: 50, offset: 0, ...(status ? { status } : {}) },
        );
      const checked: Array<[WhyField, string]> = [
        ['failed.tool', 'get_account_data'],
        ['tool.name', 'get_account_data'],
        ['error.type', 'StaleCacheError'],
        ['service.version', '2.14.0'],
        ['service.version', '5.2.0'],
        ['span.name', 'refresh cache'],
      ];
      for (const [field, value] of checked) {
        const facet = find(out.facets, field, value);
        expect(facet, `${field}=${value}`).toBeDefined();
        const all = await runs({ field, value });
        expect(all.length, `${field}=${value}`).toBe(facet!.failed + facet!.passed);
        expect(all.every((r) => r.span.tenantId === 'zeta' && r.span.isRun)).toBe(true);
        expect((await runs({ field, value }, 'error')).length).toBe(facet!.failed);
      }
      // Runs 1 and 3 never called the worker: not among the tool's runs.
      const tool = await runs({ field: 'tool.name', value: 'get_account_data' });
      expect(tool.map((r) => r.span.traceId)).not.toContain(traceId(9001));
      // Another tenant's identical failures are never listed.
      const gamma = await s.listRuns(
        { tenantId: 'gamma' },
        {
          range: RANGE,
          finding: { field: 'service.version', value: '2.14.0' },
          limit: 50,
          offset: 0,
        },
      );
      expect(gamma).toEqual([]);
    });

    it('counts failing and passing runs per facet value, only in the tenant', async () => {
      const out = await s.whyFacets('gamma', { range: RANGE, perField: 5 });
      expect(out).toMatchObject({ runs: 11, failedRuns: 4 });
      expect(find(out.facets, 'error.type', 'StaleCacheError')).toMatchObject({
        failed: 4,
        passed: 0,
        failedTraceId: traceId(5010),
        passedTraceId: null,
      });
      expect(find(out.facets, 'failed.tool', 'get_account_data')).toMatchObject({
        failed: 4,
        passed: 0,
      });
      expect(find(out.facets, 'tool.name', 'get_account_data')).toMatchObject({
        failed: 4,
        passed: 7,
        passedTraceId: traceId(5011),
      });
      const v18 = find(out.facets, 'service.version', '1.8.0');
      expect(v18).toMatchObject({ failed: 4, passed: 1 });
      expect(v18?.firstSeenNs).toBe(T0_NS + 7000n * MS);
      expect(find(out.facets, 'service.version', '1.7.0')).toMatchObject({
        failed: 0,
        passed: 6,
        lastSeenNs: T0_NS + 6000n * MS + 5n * MS,
      });
      expect(find(out.facets, 'status.message', 'cached account is 48h old')).toMatchObject({
        failed: 4,
      });
      expect(find(out.facets, 'model', 'gpt-4o-mini')).toMatchObject({ failed: 4, passed: 7 });
      expect(find(out.facets, 'service.version', '2.0.0')).toBeUndefined();
    });

    it('keeps the values that tell the sets apart most when limited per field', async () => {
      const out = await s.whyFacets('gamma', { range: RANGE, perField: 1 });
      const versions = out.facets.filter((f) => f.field === 'service.version');
      // 1.7.0: 0% of failing vs 86% of passing; 1.8.0: 100% vs 14%: 1.8.0 separates more.
      expect(versions.map((v) => v.value)).toEqual(['1.8.0']);
    });

    it('counts exactly when a tenant has more span shapes than a run mask has bits', async () => {
      const range = { fromNs: T0_NS, toNs: T0_NS + 200_000n * MS };
      const out = await s.whyFacets('epsilon', { range, perField: 100 });
      expect(out).toMatchObject({ runs: 80, failedRuns: 70 });
      expect(find(out.facets, 'tool.name', 'get_account_data')).toMatchObject({
        failed: 70,
        passed: 10,
        firstSeenNs: T0_NS + 100_000n * MS + 5n * MS,
        lastSeenNs: T0_NS + 179_000n * MS + 5n * MS,
        failedTraceId: traceId(5169),
        passedTraceId: traceId(5179),
      });
      expect(find(out.facets, 'failed.tool', 'get_account_data')).toMatchObject({
        failed: 70,
        passed: 0,
      });
      const messages = out.facets.filter((f) => f.field === 'status.message');
      expect(messages).toHaveLength(71);
      expect(find(out.facets, 'status.message', 'tool get_account_data failed')).toMatchObject({
        failed: 70,
        passed: 0,
      });
      expect(find(out.facets, 'status.message', 'account 142 is stale')).toMatchObject({
        failed: 1,
        passed: 0,
        firstSeenNs: T0_NS + 142_000n * MS + 5n * MS,
        failedTraceId: traceId(5142),
      });
    });

    it('counts the runs per bucket of a step in the same pass, as the timeseries does', async () => {
      const step = 4000n * MS;
      const out = await s.whyFacets('gamma', { range: RANGE, perField: 5, stepNs: step });
      const t0 = Number(T0_NS / MS);
      // Runs 1-11 start a second apart from T0 (a multiple of 4 s); 7-10 fail; 10 was sent twice.
      expect(out.series).toEqual([
        { bucketMs: t0, runs: 3, failedRuns: 0 },
        { bucketMs: t0 + 4000, runs: 4, failedRuns: 1 },
        { bucketMs: t0 + 8000, runs: 4, failedRuns: 3 },
      ]);
      const buckets = await s.tenantBuckets('gamma', RANGE, step, {});
      expect(out.series).toEqual(
        buckets.map((b) => ({ bucketMs: b.bucket, runs: b.runs, failedRuns: b.failedRuns })),
      );
      const none = await s.whyFacets('nobody', { range: RANGE, perField: 5, stepNs: step });
      expect(none.series).toEqual([]);
      // Without a step, no series.
      expect(await s.whyFacets('gamma', { range: RANGE, perField: 5 })).not.toHaveProperty(
        'series',
      );
    });

    it("names the service whose resource carried each version, not the tenant's busiest", async () => {
      const out = await s.whyFacets('zeta', { range: RANGE, perField: 10 });
      const services = Object.fromEntries(
        out.facets
          .filter((f) => f.field === 'service.version')
          .map((f) => [f.value, f.serviceName]),
      );
      expect(services).toEqual({
        '5.2.0': 'demo-gateway',
        '2.13.0': 'demo-worker',
        '2.14.0': 'demo-worker',
      });
      expect(find(out.facets, 'tool.name', 'get_account_data')).not.toHaveProperty('serviceName');
      const report = await whyReport(s, 'zeta', RANGE);
      expect(report.changes).toEqual([
        expect.objectContaining({
          field: 'service.version',
          value: '2.14.0',
          serviceName: 'demo-worker',
          failureRateBefore: 0,
          failureRateAfter: 5 / 6,
        }),
      ]);
      expect(report.summary).toContain('since demo-worker 2.14.0');
    });

    it('answers nothing for a range or tenant without runs', async () => {
      expect(await s.whyFacets('nobody', { range: RANGE, perField: 5 })).toEqual({
        runs: 0,
        failedRuns: 0,
        facets: [],
      });
    });
  });
}
