import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKey } from '../../packages/server/src/auth/keys.js';
import { startServer } from '../../packages/server/src/server.js';
import { openDuckDbStorage } from '../../packages/server/src/storage/duckdb/index.js';
import { startBenchClickHouse } from '../_lib/clickhouse.js';
import { quantile, report } from '../_lib/report.js';
import { seedSpans, type TenantIdFormat } from './seed.js';

/**
 * Query latency over a seeded fleet (default 10 million spans, 1,000 tenants, 7 days). For one
 * mid-sized tenant over the last closed UTC day, the p95 of each dashboard route through the real
 * HTTP server, plus the ratio of a one-tenant query to the same query over all tenants, before
 * and after the server's compaction job has sorted the closed days by tenant.
 */
const SPANS = Number(process.env.BENCH_QUERY_SPANS ?? 10_000_000);
const REPEAT = Number(process.env.BENCH_QUERY_REPEAT ?? 30);
const IDS: TenantIdFormat = process.env.BENCH_QUERY_TENANT_IDS === 'uuid' ? 'uuid' : 'prefixed';
const END = Date.now();
const DAY = 86_400_000;

const dataDir = mkdtempSync(join(tmpdir(), 'tenantry-bench-query-'));
const seedStore = await openDuckDbStorage({ dataDir });
await seedStore.migrate();
const t0 = performance.now();
// Rows go in by start time, as live ingest appends them: the layout before compaction.
await seedSpans(seedStore.db, { spans: SPANS, tenants: 1000, days: 7, endMs: END, ids: IDS });
process.stdout.write(
  `seeded ${SPANS} spans in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`,
);
const sizes = await seedStore.db.query(
  'SELECT tenant_id, count(*) AS n FROM spans GROUP BY tenant_id ORDER BY n DESC',
);
// The median tenant by size: neither a giant nor an empty one.
const mid = String(sizes[Math.floor(sizes.length / 4)]!.tenant_id);
const trace = await seedStore.db.query(
  `SELECT trace_id FROM spans WHERE tenant_id = ? AND is_run ORDER BY status_code DESC LIMIT 1`,
  [mid],
);
// The same rows, copied into a local ClickHouse, for the engine comparison
// (BENCH_QUERY_CLICKHOUSE=0 skips it).
const ch = process.env.BENCH_QUERY_CLICKHOUSE === '0' ? null : await startBenchClickHouse();
if (ch) {
  const copyStart = performance.now();
  await ch.copySpansFrom(seedStore.db);
  process.stdout.write(
    `copied into ClickHouse in ${((performance.now() - copyStart) / 1000).toFixed(1)} s\n`,
  );
}
await seedStore.close();

// The last closed UTC day: compaction's steady state (the open day is still in arrival order).
const dayEnd = Math.floor(END / DAY) * DAY;
const range = `from=${dayEnd - DAY}&to=${dayEnd}`;
const pricing = { models: { 'gpt-4o': { input: 2.5, output: 10 } } };
let server = await startServer({
  config: { server: { port: 0, dataDir }, pricing },
  alerts: false,
  retention: false,
  // Not on its timer: run once below, after the "before" measurement.
  compaction: false,
});
let admin = server.bootstrapKeys!.admin;

/** Sorted latencies of REPEAT calls (after three warm-up calls). */
async function latencies(path: string, key = admin): Promise<number[]> {
  const times: number[] = [];
  // Three untimed calls first, so no case pays for the cold cache of the one before it.
  for (let i = -3; i < REPEAT; i++) {
    const start = performance.now();
    const res = await fetch(server.url + path, { headers: { authorization: `Bearer ${key}` } });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
    if (i >= 0) times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b);
}

async function p95(path: string, key = admin): Promise<number> {
  return quantile(await latencies(path, key), 0.95);
}

/**
 * One-tenant vs all-tenants ratios compare medians: a p95 of 30 calls is the second-worst call,
 * and one GC pause on either side would decide the ratio.
 */
async function ratioReport(name: string, one: number[], all: number[]): Promise<void> {
  const [m1, mAll] = [quantile(one, 0.5), quantile(all, 0.5)];
  report({
    bench: 'query',
    case: `${name} (duckdb, ${IDS} tenant ids)`,
    metric: 'ratio',
    value: m1 / mAll,
    ratio: m1 / mAll,
    baseline: `all tenants (median ${m1.toFixed(1)} vs ${mAll.toFixed(1)} ms; p95 ${quantile(one, 0.95).toFixed(1)} vs ${quantile(all, 0.95).toFixed(1)})`,
  });
}

// Failed runs of the last closed day: one tenant against all tenants.
async function failedRunsRatio(when: string): Promise<void> {
  await ratioReport(
    `failed runs, one tenant vs all tenants, ${when} compaction`,
    await latencies(`/api/v1/runs?tenant=${mid}&${range}&limit=50&status=error`),
    await latencies(`/api/v1/runs?${range}&limit=50&status=error`),
  );
}

// The overview as a tenant-bound read key sees it (its own row) against the admin's (every
// tenant's): the same aggregation, scoped by tenant_key or not. Over a whole day the all-tenants
// side reads every row group in either layout, so this isolates what sorting by tenant buys.
const tenantKeySecret = (await createKey(server.storage, { kind: 'read', tenantId: mid })).secret;
async function overviewRatio(when: string): Promise<void> {
  const path = `/api/v1/tenants?${range}&limit=100&sort=runs`;
  await ratioReport(
    `tenants overview, tenant-bound key vs admin key, ${when} compaction`,
    await latencies(path, tenantKeySecret),
    await latencies(path),
  );
}

const cases: Array<[string, string, number]> = [
  [
    'tenants overview (closed day, all tenants)',
    `/api/v1/tenants?${range}&limit=100&sort=runs`,
    300,
  ],
  [
    'timeseries (1 tenant, closed day, 5 min step)',
    `/api/v1/tenants/${mid}/timeseries?metrics=runs,failure_rate,run_latency_p95,tokens_input,cost&${range}&step=300`,
    200,
  ],
  ['trace by id', `/api/v1/traces/${String(trace[0]?.trace_id)}`, 50],
  ['runs list (1 tenant, closed day)', `/api/v1/runs?tenant=${mid}&${range}&limit=50`, 100],
];
// The same routes in arrival order, for comparison (the goals apply to the compacted layout).
for (const [name, path] of cases) {
  report({
    bench: 'query',
    case: `${name} p95 (duckdb, arrival order)`,
    metric: 'ms',
    value: await p95(path),
  });
}
await failedRunsRatio('before');
await overviewRatio('before');
const compactStart = performance.now();
const compacted = await server.compaction.runOnce();
const compactMs = performance.now() - compactStart;
report({
  bench: 'query',
  case: `compaction of the closed days (${compacted.windows} windows, ${compacted.rows} rows, ${compacted.transactions} transactions)`,
  metric: 's',
  value: compactMs / 1000,
});
await failedRunsRatio('after');
await overviewRatio('after');

const duck: Record<string, number> = {};
for (const [name, path, goal] of cases) {
  const value = await p95(path);
  duck[name] = value;
  report({
    bench: 'query',
    case: `${name} p95 (duckdb, compacted)`,
    metric: 'ms',
    value,
    goal: `< ${goal}`,
    pass: value < goal,
  });
}
report({
  bench: 'query',
  case: `fleet: ${SPANS} spans, 1000 tenants, 7 days, ${IDS} tenant ids; mid tenant ${mid}`,
  metric: 'spans',
  value: Number(sizes.find((s) => s.tenant_id === mid)?.n ?? 0),
});
await server.close();

if (ch) {
  // Same routes, same data, through a server on ClickHouse (single node, Debian's 18.16).
  const chDir = mkdtempSync(join(tmpdir(), 'tenantry-bench-query-ch-'));
  server = await startServer({
    config: { server: { port: 0, dataDir: chDir }, pricing },
    storage: ch.storage,
    alerts: false,
    retention: false,
  });
  admin = server.bootstrapKeys?.admin ?? (await createKey(ch.storage, { kind: 'admin' })).secret;
  for (const [name, path] of cases) {
    const value = await p95(path);
    report({
      bench: 'query',
      case: `${name} p95 (clickhouse)`,
      metric: 'ms',
      value,
      ratio: value / duck[name]!,
      baseline: 'duckdb',
    });
  }
  await server.close();
  await ch.stop();
  rmSync(chDir, { recursive: true, force: true });
}
rmSync(dataDir, { recursive: true, force: true });
