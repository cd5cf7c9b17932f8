import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openClickHouseStorage } from '../../packages/server/src/storage/clickhouse/index.js';
import { localTable, type TableName } from '../../packages/server/src/storage/clickhouse/schema.js';
import type { DuckDb } from '../../packages/server/src/storage/duckdb/database.js';
import { openDuckDbStorage } from '../../packages/server/src/storage/duckdb/index.js';
import type { Storage } from '../../packages/server/src/storage/open.js';
import { type ClickHouseTarget, startChdb } from '../../test/helpers/chdb.js';
import {
  type ClickHouseCluster,
  type ClickHouseNode,
  startClickHouse,
  startClickHouseCluster,
} from '../../test/helpers/clickhouse.js';
import { quantile, report } from './report.js';

/**
 * ClickHouse for benchmarks: a local server (or a cluster of `shards`) on loopback ports with the
 * adapter opened and migrated, so bench/ingest and bench/query can add a ClickHouse column over
 * the same workload. In-process: `startServer({ storage: ch.storage, ... })`; as a process:
 * `spawnCli(['up', ...ch.upArgs])`.
 */
export interface BenchClickHouse {
  storage: Awaited<ReturnType<typeof openClickHouseStorage>>;
  url: string;
  database: string;
  cluster: string | undefined;
  /** Flags for `tenantry up` (spawnCli) to run the real server on this ClickHouse. */
  upArgs: string[];
  /** `clickhouse 18.16.1` or `chDB 26.7.2.1`: the column name in reports. */
  label: string;
  /** The clickhouse-server processes (none for chDB, which runs in this process): CPU per span. */
  pids: number[];
  /** Copies DuckDB's spans table, row for row, into ClickHouse; returns the rows copied. */
  copySpansFrom(duck: DuckDb): Promise<number>;
  /** Compressed bytes on disk per stored span (active parts of `tables`, default spans). */
  bytesPerSpan(tables?: TableName[]): Promise<number>;
  stop(): Promise<void>;
}

/** `server`: Debian's clickhouse-server (18.16 here); `chdb`: the current engine in-process. */
export type BenchEngine = 'server' | 'chdb';

/** The engines a bench compares, from `BENCH_CLICKHOUSE_ENGINES` (default both). */
export function benchEngines(): BenchEngine[] {
  const v = process.env.BENCH_CLICKHOUSE_ENGINES ?? 'server,chdb';
  return (['server', 'chdb'] as const).filter((e) => v.split(',').includes(e));
}

export async function startBenchClickHouse(
  options: { shards?: number; database?: string; engine?: BenchEngine; dir?: string } = {},
): Promise<BenchClickHouse> {
  // `tenantry up` defaults to database `tenantry`, so upArgs and storage see the same tables.
  const database = options.database ?? 'tenantry';
  const shards = options.shards ?? 1;
  let node: ClickHouseNode | null = null;
  let cluster: ClickHouseCluster | null = null;
  let chdb: ClickHouseTarget | null = null;
  // `dir`: a single node's files, kept after stop (bench/query reuses a seeded engine).
  if (options.engine === 'chdb') chdb = await startChdb(options.dir);
  else if (shards > 1) cluster = await startClickHouseCluster(shards);
  else node = await startClickHouse(options.dir ? { dir: options.dir } : {});
  // chDB has no URL: the adapter reaches it through its in-process connection (no `tenantry up`).
  const url = chdb ? 'chdb' : cluster ? cluster.urls() : node!.url;
  const storage = await openClickHouseStorage(
    chdb
      ? chdb.options(database)
      : { url, database, ...(cluster ? { cluster: cluster.name } : {}) },
  );
  await storage.migrate();
  const label = chdb ? chdb.label : `clickhouse ${storage.info().version}`;
  return {
    storage,
    url,
    database,
    label,
    cluster: cluster?.name,
    pids: (cluster ? cluster.nodes : node ? [node] : []).flatMap((n) =>
      n.child.pid === undefined ? [] : [n.child.pid],
    ),
    upArgs: [
      '--storage',
      'clickhouse',
      '--clickhouse-url',
      url,
      ...(cluster ? ['--clickhouse-cluster', cluster.name] : []),
    ],
    copySpansFrom: (duck) => copySpans(duck, storage, database),
    async bytesPerSpan(tables: TableName[] = ['spans']) {
      const names = tables.map((t) => `'${localTable(storage.ch, t).split('.')[1]}'`);
      const [, spans] = localTable(storage.ch, 'spans').split('.');
      // Bytes of every table named, rows of spans alone.
      const perNode = await storage.ch.queryEverywhere<{ b: string; r: string }>(
        `SELECT sum(bytes_on_disk) AS b, sumIf(rows, table = '${spans}') AS r FROM system.parts
         WHERE database = '${database}' AND table IN (${names.join(', ')}) AND active`,
      );
      const bytes = perNode.reduce((n, [row]) => n + Number(row?.b ?? 0), 0);
      const rows = perNode.reduce((n, [row]) => n + Number(row?.r ?? 0), 0);
      return rows > 0 ? bytes / rows : 0;
    },
    async stop() {
      await storage.close();
      await (chdb ?? cluster ?? node)!.stop();
    },
  };
}

const CHUNKS = 16;

/**
 * DuckDB writes CSV (NULL as \N, booleans as 0/1) in hash chunks so the temp files stay small;
 * each is streamed into the (Distributed) spans table in one INSERT.
 */
async function copySpans(
  duck: DuckDb,
  storage: Awaited<ReturnType<typeof openClickHouseStorage>>,
  database: string,
): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'tenantry-ch-copy-'));
  // ClickHouse's own column list, in its order; DuckDB booleans become 0/1.
  const names = (
    await storage.ch.query<{ name: string }>(
      `SELECT name FROM system.columns WHERE database = '${database}' AND table = 'spans'`,
    )
  ).map((r) => r.name);
  const flags = new Set(['is_run', 'is_llm', 'is_tool']);
  const columns = names.map((c) => (flags.has(c) ? `${c}::INTEGER AS ${c}` : c));
  let copied = 0;
  try {
    for (let k = 0; k < CHUNKS; k++) {
      const file = join(dir, `spans-${k}.csv`);
      await duck.exec(
        `COPY (SELECT ${columns.join(', ')} FROM spans WHERE hash(trace_id) % ${CHUNKS} = ${k})
         TO '${file}' (FORMAT CSV, HEADER false, NULLSTR '\\N')`,
      );
      const settings: Record<string, string> = {};
      if (storage.ch.cluster) settings.insert_distributed_sync = '1';
      await storage.ch.clients[0]!.insert({
        table: `${database}.spans (${names.join(', ')})`,
        values: createReadStream(file),
        format: 'CSV',
        clickhouse_settings: settings,
      });
      rmSync(file);
    }
    await optimizeSpans(storage, database);
    const [row] = await storage.ch.query<{ n: string }>(
      `SELECT count() AS n FROM ${database}.spans`,
    );
    copied = Number(row?.n ?? 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return copied;
}

/**
 * Steady state: what background merges reach on their own, without waiting for them. 18.16 merges
 * a single partition per OPTIMIZE, so each is named.
 */
export async function optimizeSpans(
  storage: Awaited<ReturnType<typeof openClickHouseStorage>>,
  database: string,
): Promise<void> {
  const nodes = storage.ch.cluster ? storage.ch.clients.length : 1;
  const local = localTable(storage.ch, 'spans');
  const [, localName] = local.split('.');
  for (let node = 0; node < nodes; node++) {
    const partitions = await storage.ch.queryOn<{ partition: string }>(
      node,
      `SELECT DISTINCT partition FROM system.parts WHERE database = '${database}' AND table = '${localName}' AND active`,
    );
    for (const p of partitions) {
      await storage.ch.exec(`OPTIMIZE TABLE ${local} PARTITION ${p.partition} FINAL`, node);
    }
  }
}

/**
 * Run directly for an adapter-level comparison on one machine:
 *   node --import tsx bench/_lib/clickhouse.ts [spans] [shards]
 * Seeds the query bench's fleet into DuckDB, copies it into each ClickHouse engine
 * (BENCH_CLICKHOUSE_ENGINES, default `server,chdb`: Debian's 18.16 and chDB's current engine, one
 * after the other in the same run), then times the same storage calls on all of them, the bytes
 * per span each stores, and the write rate of 5,000-span batches into each.
 */
async function main(): Promise<void> {
  const { seedSpans } = await import('../query/seed.js');
  const spans = Number(process.argv[2] ?? 1_000_000);
  const shards = Number(process.argv[3] ?? 1);
  const end = Date.now();
  const day = 86_400_000;
  const dir = mkdtempSync(join(tmpdir(), 'tenantry-bench-ch-'));
  const duck = await openDuckDbStorage({ dataDir: dir });
  await duck.migrate();
  await seedSpans(duck.db, { spans, tenants: 1000, days: 7, endMs: end });
  await duck.db.exec('CHECKPOINT');
  report({
    bench: 'clickhouse',
    case: 'bytes per span, duckdb (whole file)',
    metric: 'bytes',
    value: statSync(join(dir, 'tenantry.duckdb')).size / spans,
  });
  const sizes = await duck.db.query(
    'SELECT tenant_id, count(*) AS n FROM spans GROUP BY 1 ORDER BY n DESC',
  );
  const mid = String(sizes[Math.floor(sizes.length / 4)]!.tenant_id);
  const [trace] = await duck.db.query(`SELECT trace_id FROM spans WHERE tenant_id = ? LIMIT 1`, [
    mid,
  ]);
  const range = { fromNs: BigInt(end - day) * 1_000_000n, toNs: BigInt(end) * 1_000_000n };
  const all = { tenantId: null };
  const one = { tenantId: mid };
  const prices = { 'gpt-4o': { input: 2.5, output: 10 } };
  const cases: Array<[string, (s: Storage) => Promise<unknown>]> = [
    [
      'tenants overview (1 day, all tenants)',
      (s) =>
        s.tenantAggregates(all, {
          range,
          sort: 'runs',
          order: 'desc',
          limit: 100,
          offset: 0,
          prices,
        }),
    ],
    [
      'timeseries (1 tenant, 1 day, 5 min)',
      (s) => s.tenantBuckets(mid, range, 300_000_000_000n, prices),
    ],
    ['runs list (1 tenant, 1 day)', (s) => s.listRuns(one, { range, limit: 50, offset: 0 })],
    ['trace by id (tenant-bound)', (s) => s.traceSpans(one, String(trace?.trace_id))],
    ['trace by id (all tenants)', (s) => s.traceSpans(all, String(trace?.trace_id))],
    ['alert window stats (10 min, all tenants)', (s) => s.windowStats(end - 600_000, end)],
  ];
  const p95 = async (s: Storage, fn: (s: Storage) => Promise<unknown>) => {
    const times: number[] = [];
    for (let i = 0; i < 15; i++) {
      const start = performance.now();
      await fn(s);
      times.push(performance.now() - start);
    }
    return quantile(
      times.sort((a, b) => a - b),
      0.95,
    );
  };
  // Writes: the same fresh 5,000-span batches into each engine (ids shifted so nothing dedups).
  const rows = await duck.traceSpans(all, String(trace?.trace_id));
  const batches = Array.from({ length: 20 }, (_, b) =>
    Array.from({ length: 5000 }, (_, i) => ({
      ...rows[i % rows.length]!,
      traceId: (b * 5000 + i).toString(16).padStart(32, 'f'),
    })),
  );
  const writeRate = async (s: Storage) => {
    const t = performance.now();
    for (const b of batches) await s.write({ spans: b, logs: [], metrics: [] });
    return 100_000 / ((performance.now() - t) / 1000);
  };
  try {
    const duckMs = new Map<string, number>();
    for (const [name, fn] of cases) {
      const d = await p95(duck, fn);
      duckMs.set(name, d);
      report({ bench: 'clickhouse', case: `${name} p95, duckdb`, metric: 'ms', value: d });
    }
    for (const engine of benchEngines()) {
      const ch = await startBenchClickHouse({ shards, engine });
      const label = `${ch.label}${shards > 1 && engine === 'server' ? ` x${shards} shards` : ''}`;
      try {
        const t = performance.now();
        const copied = await ch.copySpansFrom(duck.db);
        const copySeconds = (performance.now() - t) / 1000;
        report({
          bench: 'clickhouse',
          case: `bulk copy ${copied} spans, ${label}`,
          metric: 'spans/s',
          value: copied / copySeconds,
        });
        report({
          bench: 'clickhouse',
          case: `bytes per span, ${label} (spans table)`,
          metric: 'bytes',
          value: await ch.bytesPerSpan(),
        });
        for (const [name, fn] of cases) {
          const c = await p95(ch.storage, fn);
          report({
            bench: 'clickhouse',
            case: `${name} p95, ${label}`,
            metric: 'ms',
            value: c,
            ratio: c / duckMs.get(name)!,
            baseline: 'duckdb',
          });
        }
        report({
          bench: 'clickhouse',
          case: `write 5,000-span batches, ${label}`,
          metric: 'spans/s',
          value: await writeRate(ch.storage),
        });
      } finally {
        await ch.stop();
      }
    }
    report({
      bench: 'clickhouse',
      case: 'write 5,000-span batches, duckdb',
      metric: 'spans/s',
      value: await writeRate(duck),
    });
  } finally {
    await duck.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
