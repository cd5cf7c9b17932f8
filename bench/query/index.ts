import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../../packages/server/src/server.js';
import { openDuckDbStorage } from '../../packages/server/src/storage/duckdb/index.js';
import { spanFromRow } from '../../packages/server/src/storage/duckdb/rows.js';
import { type BenchEngine, optimizeSpans, startBenchClickHouse } from '../_lib/clickhouse.js';
import { report } from '../_lib/report.js';
import { fleetDir } from './fleet.js';
import { ratios, routeCases, targetFor, type Workload } from './measure.js';
import { otlpProtobufBytesPerSpan } from './otlp-size.js';
import { seedClickHouse, seedSpans, type TenantIdFormat } from './seed.js';

/**
 * Query latency over a seeded fleet of 1,000 skewed tenants (default 10 million spans over 7 days;
 * the month: BENCH_QUERY_SPANS=100000000 BENCH_QUERY_DAYS=30), on each engine in the same run
 * (BENCH_QUERY_ENGINES, default `duckdb,server,chdb`: DuckDB, Debian's ClickHouse 18.16 server,
 * chDB's current engine). For one mid-sized tenant over the last closed UTC day: p50/p95 of each
 * dashboard route through the real HTTP server, one-tenant vs all-tenant ratios, bytes on disk per
 * span against the OTLP protobuf bytes of the same spans. Every engine is seeded with the same rows,
 * generated inside the engine (seed.ts), under $BENCH_DATA_DIR, and reused by later runs.
 */
const SPANS = Number(process.env.BENCH_QUERY_SPANS ?? 10_000_000);
const DAYS = Number(process.env.BENCH_QUERY_DAYS ?? 7);
const REPEAT = Number(process.env.BENCH_QUERY_REPEAT ?? 30);
const IDS: TenantIdFormat = process.env.BENCH_QUERY_TENANT_IDS === 'uuid' ? 'uuid' : 'prefixed';
const ENGINES = (
  process.env.BENCH_QUERY_ENGINES ??
  (process.env.BENCH_QUERY_CLICKHOUSE === '0' ? 'duckdb' : 'duckdb,server,chdb')
).split(',');
const DAY = 86_400_000;

const fd = fleetDir({ spans: SPANS, tenants: 1000, days: DAYS, ids: IDS });
const { fleet, manifest } = fd;
const log = (s: string) => process.stdout.write(`${s}\n`);
const stamp = () => `${new Date().toISOString()} load ${loadavg()[0]!.toFixed(2)}`;
/** Runs `fn`, records its seconds under `step` in the manifest, and reports them. */
async function timed(step: string, fn: () => Promise<unknown>): Promise<void> {
  const t0 = performance.now();
  await fn();
  manifest.seconds[step] = (performance.now() - t0) / 1000;
  manifest.at[step] = stamp();
  fd.save();
}
function reportStep(step: string, extra = '') {
  const s = manifest.seconds[step];
  if (s === undefined) return;
  report({ bench: 'query', case: `${step}${extra} (${manifest.at[step]})`, metric: 's', value: s });
}
log(`fleet ${fd.dir}: ${SPANS} spans, ${DAYS} days, ${IDS} ids; ${stamp()}`);

// --- DuckDB: seeded once, in arrival order; the server's compaction sorts the closed days. ---
const duckDir = join(fd.dir, 'duckdb');
const duckFile = join(duckDir, 'tenantry.duckdb');
const freshDuck = !existsSync(duckFile) || manifest.seconds['seed duckdb'] === undefined;
if (freshDuck) {
  rmSync(duckDir, { recursive: true, force: true });
  const seedStore = await openDuckDbStorage({ dataDir: duckDir });
  await seedStore.migrate();
  await timed('seed duckdb', () =>
    seedSpans(seedStore.db, fleet, (n, of) => log(`duckdb: day ${n}/${of} seeded ${stamp()}`)),
  );
  await seedStore.close();
}

// What to ask, from DuckDB (every engine holds the same rows).
const refStore = await openDuckDbStorage({ dataDir: duckDir });
const sizes = await refStore.db.query(
  'SELECT tenant_id, count(*) AS n FROM spans GROUP BY tenant_id ORDER BY n DESC, tenant_id',
);
const mid = String(sizes[Math.floor(sizes.length / 4)]!.tenant_id);
const dayEnd = Math.floor(fleet.endMs / DAY) * DAY;
const midTraces = (
  await refStore.db.query(
    `SELECT trace_id FROM spans WHERE tenant_key = md5_number_upper(?) AND tenant_id = ? AND is_run
     ORDER BY trace_id LIMIT ${REPEAT}`,
    [mid, mid],
  )
).map((r) => String(r.trace_id));
// Run i's trace id is md5(i) (seed.ts): runs spread evenly over the fleet's whole time span.
const runs = Math.floor(SPANS / 5);
const anyTraces = Array.from({ length: REPEAT }, (_, j) =>
  createHash('md5')
    .update(String(Math.floor(((j + 0.5) * runs) / REPEAT)))
    .digest('hex'),
);
// 50,000 consecutive spans of the closed day, as their tenants' SDKs would have exported them.
const sample = (
  await refStore.db.query(
    `SELECT * FROM spans WHERE start_ns >= ? AND start_ns < ? ORDER BY start_ns LIMIT 50000`,
    [BigInt(dayEnd - DAY) * 1_000_000n, BigInt(dayEnd) * 1_000_000n],
  )
).map(spanFromRow);
const otlpBytes = otlpProtobufBytesPerSpan(sample);
await refStore.close();
report({
  bench: 'query',
  case: `OTLP protobuf bytes per span (official serializer, ${sample.length} spans of the closed day, ≤512 per tenant request, uncompressed)`,
  metric: 'bytes',
  value: otlpBytes,
});
report({
  bench: 'query',
  case: `fleet: ${SPANS} spans, 1000 tenants, ${DAYS} days, ${IDS} tenant ids; mid tenant ${mid}`,
  metric: 'spans',
  value: Number(sizes.find((s) => s.tenant_id === mid)?.n ?? 0),
});

const w: Workload = {
  range: `from=${dayEnd - DAY}&to=${dayEnd}`,
  mid,
  anyTraces,
  midTraces,
  repeat: REPEAT,
};
const pricing = { models: { 'gpt-4o': { input: 2.5, output: 10 } } };
const bytesPerSpan = (engine: string, bytes: number) =>
  report({
    bench: 'query',
    case: `bytes on disk per span (${engine})`,
    metric: 'bytes',
    value: bytes,
    ratio: bytes / otlpBytes,
    baseline: 'OTLP protobuf',
  });

let duck: Map<string, number> | undefined;
if (ENGINES.includes('duckdb')) {
  reportStep('seed duckdb', ` ${SPANS} spans, in-engine`);
  const server = await startServer({
    config: { server: { port: 0, dataDir: duckDir }, pricing },
    alerts: false,
    retention: false,
    // Not on its timer: run once below, after the arrival-order measurement of a fresh seed.
    compaction: false,
  });
  const t = await targetFor('duckdb', server, mid);
  if (freshDuck) {
    await routeCases(t, w, 'duckdb, arrival order', false);
    await ratios(t, w, 'before compaction', false);
  }
  // A fresh fleet: every closed day. A reused one: the days that closed since, and any index
  // the sweep still owes (none, usually).
  const step = freshDuck ? 'compaction duckdb' : 'compaction sweep duckdb (reused fleet)';
  let compacted = { windows: 0, rows: 0, transactions: 0 };
  await timed(step, async () => {
    compacted = await server.compaction.runOnce();
  });
  reportStep(step, `: ${compacted.windows} windows, ${compacted.rows} rows`);
  reportStep('compaction duckdb');
  await ratios(t, w, 'after compaction', true);
  duck = await routeCases(t, w, 'duckdb, compacted', true);
  await server.close();
  bytesPerSpan(
    'duckdb, whole file',
    (statSync(duckFile).size +
      (existsSync(`${duckFile}.wal`) ? statSync(`${duckFile}.wal`).size : 0)) /
      SPANS,
  );
}

for (const engine of ENGINES.filter((e): e is BenchEngine => e === 'server' || e === 'chdb')) {
  const dir = join(fd.dir, engine === 'chdb' ? 'chdb' : 'clickhouse-server');
  const seedStep = `seed ${engine}`;
  const fresh = manifest.seconds[seedStep] === undefined;
  if (fresh) rmSync(dir, { recursive: true, force: true });
  const ch = await startBenchClickHouse({ engine, dir });
  if (fresh) {
    await timed(seedStep, () =>
      seedClickHouse(ch.storage.ch, fleet, (n, of) =>
        log(`${ch.label}: day ${n}/${of} seeded ${stamp()}`),
      ),
    );
    await timed(`optimize ${engine}`, () => optimizeSpans(ch.storage, ch.database));
  }
  reportStep(seedStep, ` ${SPANS} spans, in-engine, ${ch.label}`);
  reportStep(`optimize ${engine}`, ` (OPTIMIZE … FINAL per day partition, ${ch.label})`);
  const chDir = mkdtempSync(join(tmpdir(), 'tenantry-bench-query-ch-'));
  const server = await startServer({
    config: { server: { port: 0, dataDir: chDir }, pricing },
    storage: ch.storage,
    alerts: false,
    retention: false,
    compaction: false,
  });
  // The sweep rolls the closed hours up (tenant-rollup.ts): all 720 on a fleet seeded before the
  // rollup existed, none on a reused one that has it.
  const sweepStep = `rollup sweep ${engine}`;
  let rolled = { windows: 0, rows: 0, transactions: 0 };
  await timed(sweepStep, async () => {
    rolled = await server.compaction.runOnce();
  });
  reportStep(sweepStep, `: ${rolled.rows} hours in ${rolled.windows} days, ${ch.label}`);
  const t = await targetFor(ch.label, server, mid);
  await ratios(t, w, 'ClickHouse', true);
  await routeCases(t, w, ch.label, true, duck);
  bytesPerSpan(`${ch.label}, spans table`, await ch.bytesPerSpan());
  bytesPerSpan(`${ch.label}, spans + trace_index`, await ch.bytesPerSpan(['spans', 'trace_index']));
  bytesPerSpan(
    `${ch.label}, spans + trace_index + tenant rollup`,
    await ch.bytesPerSpan(['spans', 'trace_index', 'tenant_hours', 'tenant_hours_done']),
  );
  await server.close();
  await ch.stop();
  rmSync(chDir, { recursive: true, force: true });
}
