import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toSpanRow } from '../../packages/server/src/ingest/rows.js';
import { decodeTracesProto } from '../../packages/server/src/otlp/decode-proto.js';
import { defaultDuckDbMemoryLimitMiB } from '../../packages/server/src/storage/duckdb/config.js';
import { openDuckDbStorage } from '../../packages/server/src/storage/duckdb/index.js';
import type { SpanRow, WriteStore } from '../../packages/server/src/storage/types.js';
import { quantile, report } from '../_lib/report.js';
import { clickHouseRows } from './clickhouse.js';
import { CLIENTS, type EndToEnd, endToEnd, WARMUP_REQUESTS } from './end-to-end.js';
import { requestBodies, SPANS_PER_REQUEST, writeBodies } from './workload.js';

/**
 * Ingest throughput, three ways over the same requests:
 *  - end to end: `tenantry up` in its own process, 4 concurrent clients POSTing gzip protobuf;
 *  - the decoder alone (protobuf -> rows), in this process;
 *  - appending the same rows straight into DuckDB (the storage floor).
 * The machine is shared and noisy, so append-only and end to end run in alternating rounds and the
 * ratio is the median of each round's ratio: both sides of a ratio see the same conditions.
 */
// 2,400 requests (1.2 M spans) so both phases run through several DuckDB checkpoints.
const REQUESTS = Number(process.env.BENCH_INGEST_REQUESTS ?? 2400);
/** The goal for the server's peak resident memory under this load (docs/scaling.md, "Memory"). */
const RSS_BOUND_MIB = 1024;
const ROUNDS = Math.max(1, Number(process.env.BENCH_INGEST_ROUNDS ?? 3));

const { raw, gzipped } = await requestBodies(REQUESTS);
const totalSpans = REQUESTS * SPANS_PER_REQUEST;
const bodiesDir = mkdtempSync(join(tmpdir(), 'tenantry-bench-bodies-'));
const warmup = (await requestBodies(WARMUP_REQUESTS)).gzipped;
const warmupSpans = WARMUP_REQUESTS * SPANS_PER_REQUEST;
const bodiesFile = join(bodiesDir, 'requests.bin');
writeBodies(bodiesFile, [...warmup, ...gzipped]);
// The same runs with the tenant on their roots only, a quarter of the roots a request late.
const rootOnlyFile = join(bodiesDir, 'root-only.bin');
writeBodies(rootOnlyFile, [...warmup, ...(await requestBodies(REQUESTS, 'root-only')).gzipped]);
// Every request's spans, only some of its roots moved a request later: the same total.
const rootOnlySpans = totalSpans;

async function rowsOf(body: Buffer): Promise<SpanRow[]> {
  const rows: SpanRow[] = [];
  for (const g of await decodeTracesProto(body)) {
    for (const s of g.scopes) {
      for (const span of s.items) {
        rows.push(
          toSpanRow(
            String(span.attributes['tenant.id']),
            span,
            span.attributes,
            g.resource,
            s.scopeName,
          ),
        );
      }
    }
  }
  return rows;
}

// Decoder alone.
const start = performance.now();
for (const body of raw) await rowsOf(body);
const decodeRate = totalSpans / ((performance.now() - start) / 1000);

// Append-only: the same rows, in group-commit sized batches like the server's writer.
const decoded: SpanRow[][] = [];
for (const body of raw) decoded.push(await rowsOf(body));
async function appendOnly(store: WriteStore): Promise<number> {
  const begin = performance.now();
  for (let i = 0; i < decoded.length; i += CLIENTS) {
    await store.write({ spans: decoded.slice(i, i + CLIENTS).flat(), logs: [], metrics: [] });
  }
  return totalSpans / ((performance.now() - begin) / 1000);
}

async function duckAppendOnly(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'tenantry-bench-append-'));
  const store = await openDuckDbStorage({ dataDir: dir });
  await store.migrate();
  const rate = await appendOnly(store);
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  return rate;
}

/** The same server with ingest.workers: 0, everything on the event loop as before the workers. */
const WORKERS_OFF = 'ingest:\n  workers: 0\n';
/** The same server committing each journal flush, as before row-group commits were the default. */
const COMMIT_EACH_FLUSH = 'storage:\n  journal:\n    holdRowGroups: false\n';

async function duckEndToEnd(bodies = bodiesFile, spans = totalSpans, yaml?: string) {
  const dir = mkdtempSync(join(tmpdir(), 'tenantry-bench-e2e-'));
  const args = ['--data-dir', dir];
  if (yaml) {
    writeFileSync(join(dir, 'tenantry.yaml'), yaml);
    args.push('--config', join(dir, 'tenantry.yaml'));
  }
  const result = await endToEnd(args, bodies, spans);
  rmSync(dir, { recursive: true, force: true });
  return result;
}

type E2e = EndToEnd;
const rounds: Array<{
  append: number;
  e2e: E2e;
  rootOnly: E2e;
  loopOnly: E2e;
  eachFlush: E2e;
}> = [];
for (let i = 0; i < ROUNDS; i++) {
  const append = await duckAppendOnly();
  const e2e = await duckEndToEnd();
  const rootOnly = await duckEndToEnd(rootOnlyFile, rootOnlySpans);
  const loopOnly = await duckEndToEnd(bodiesFile, totalSpans, WORKERS_OFF);
  const eachFlush = await duckEndToEnd(bodiesFile, totalSpans, COMMIT_EACH_FLUSH);
  rounds.push({ append, e2e, rootOnly, loopOnly, eachFlush });
  process.stderr.write(
    `round ${i + 1}/${ROUNDS}: append-only ${Math.round(append)} spans/s, end to end ${Math.round(e2e.rate)} spans/s (${(e2e.rate / append).toFixed(3)}x; ${e2e.cpu?.serverUs.toFixed(1)} µs CPU/span), tenant on roots only ${Math.round(rootOnly.rate)} spans/s (${(rootOnly.rate / e2e.rate).toFixed(3)}x; ${rootOnly.cpu?.serverUs.toFixed(1)} µs CPU/span; stored ${JSON.stringify(rootOnly.stored)}), without workers ${Math.round(loopOnly.rate)} spans/s (${loopOnly.cpu?.serverUs.toFixed(1)} µs CPU/span), a commit a flush ${Math.round(eachFlush.rate)} spans/s (${eachFlush.cpu?.serverUs.toFixed(1)} µs CPU/span)\n`,
  );
}
const median = (values: number[]) =>
  quantile(
    [...values].sort((a, b) => a - b),
    0.5,
  );
const ratios = rounds.map((r) => r.e2e.rate / r.append);
const appendRate = median(rounds.map((r) => r.append));
const e2eRate = median(rounds.map((r) => r.e2e.rate));
const e2eRatio = median(ratios);
const failed = rounds.reduce((n, r) => n + r.e2e.failed, 0);
const statuses: Record<number, number> = {};
for (const r of rounds)
  for (const [status, n] of Object.entries(r.e2e.statuses))
    statuses[Number(status)] = (statuses[Number(status)] ?? 0) + n;
const of = `median of ${ROUNDS} alternating rounds`;

report({ bench: 'ingest', case: 'decoder only', metric: 'spans/s', value: decodeRate });
report({
  bench: 'ingest',
  case: `duckdb append only (${of})`,
  metric: 'spans/s',
  value: appendRate,
});
report({
  bench: 'ingest',
  case: `end to end on duckdb (gzip protobuf, ${SPANS_PER_REQUEST}/req, ${CLIENTS} clients; ${of})`,
  metric: 'spans/s',
  value: e2eRate,
  goal: '>= 120000',
  pass: e2eRate >= 120_000 && failed === 0,
});
report({
  bench: 'ingest',
  case: `end to end vs append only (duckdb; median of per-round ratios, range ${Math.min(...ratios).toFixed(3)}-${Math.max(...ratios).toFixed(3)})`,
  metric: 'ratio',
  value: e2eRatio,
  ratio: e2eRatio,
  baseline: 'duckdb append only',
  goal: '>= 0.8',
  pass: e2eRatio >= 0.8,
});
const rootOnlyRatios = rounds.map((r) => r.rootOnly.rate / r.e2e.rate);
const rootOnlyRatio = median(rootOnlyRatios);
// Every acknowledged span stored once, under its run's tenant, none left waiting.
const rootOnlyComplete = rounds.every(
  (r) =>
    r.rootOnly.stored.spans === rootOnlySpans + warmupSpans &&
    r.rootOnly.stored.unassigned === 0 &&
    r.rootOnly.stored.parked === 0 &&
    r.rootOnly.failed === 0,
);
report({
  bench: 'ingest',
  case: `end to end, tenant on roots only, a quarter of roots a request late (${of}; stored ${JSON.stringify(rounds.at(-1)!.rootOnly.stored)})`,
  metric: 'spans/s',
  value: median(rounds.map((r) => r.rootOnly.rate)),
  pass: rootOnlyComplete,
});
report({
  bench: 'ingest',
  case: `tenant on roots only vs on every span (median of per-round ratios, range ${Math.min(...rootOnlyRatios).toFixed(3)}-${Math.max(...rootOnlyRatios).toFixed(3)})`,
  metric: 'ratio',
  value: rootOnlyRatio,
  ratio: rootOnlyRatio,
  baseline: 'end to end on duckdb, tenant on every span',
  goal: '>= 0.9',
  pass: rootOnlyRatio >= 0.9 && rootOnlyComplete,
});
const loopOnlyRatios = rounds.map((r) => r.e2e.rate / r.loopOnly.rate);
report({
  bench: 'ingest',
  case: `end to end with ingest workers vs ingest.workers: 0 (median of per-round ratios, range ${Math.min(...loopOnlyRatios).toFixed(3)}-${Math.max(...loopOnlyRatios).toFixed(3)}; without: ${Math.round(median(rounds.map((r) => r.loopOnly.rate)))} spans/s)`,
  metric: 'ratio',
  value: median(loopOnlyRatios),
  ratio: median(loopOnlyRatios),
  baseline: 'end to end on duckdb, ingest.workers: 0',
});
const eachFlushRatios = rounds.map((r) => r.e2e.rate / r.eachFlush.rate);
report({
  bench: 'ingest',
  case: `end to end with row-group commits vs a commit a flush (storage.journal.holdRowGroups: false; median of per-round ratios, range ${Math.min(...eachFlushRatios).toFixed(3)}-${Math.max(...eachFlushRatios).toFixed(3)}; a commit a flush: ${Math.round(median(rounds.map((r) => r.eachFlush.rate)))} spans/s)`,
  metric: 'ratio',
  value: median(eachFlushRatios),
  ratio: median(eachFlushRatios),
  baseline: 'end to end on duckdb, storage.journal.holdRowGroups: false',
});
report({
  bench: 'ingest',
  case: 'end to end vs decoder',
  metric: 'ratio',
  value: e2eRate / decodeRate,
  ratio: e2eRate / decodeRate,
  baseline: 'decoder only',
});
const p99 = Math.max(...rounds.map((r) => r.e2e.p99));
report({
  bench: 'ingest',
  case: `p99 time to acknowledge (duckdb, worst round; after ${WARMUP_REQUESTS} warm-up requests)`,
  metric: 'ms',
  value: p99,
  goal: '<= 150',
  pass: p99 <= 150,
});
report({
  bench: 'ingest',
  case: `slowest of a fresh server's first ${WARMUP_REQUESTS} requests (duckdb, worst round: ingest threads starting)`,
  metric: 'ms',
  value: Math.max(...rounds.map((r) => r.e2e.warmupMaxMs)),
});
// Bounded by the queues (docs/scaling.md, "Memory"): the journal's items waiting for storage
// (limits.maxQueuedItems), the workers' request bytes (ingest.workerQueueMiB) and DuckDB's cache.
const rss = rounds.flatMap((r) => (r.e2e.rssMiB === null ? [] : [r.e2e.rssMiB]));
if (rss.length > 0) {
  const peak = Math.max(...rss);
  report({
    bench: 'ingest',
    // The server runs with the default storage.duckdb.memoryLimitMiB: DuckDB's share of the bound.
    case: `server peak RSS (VmHWM, duckdb, worst round; ${rounds.at(-1)!.e2e.threads} threads; DuckDB memory_limit ${defaultDuckDbMemoryLimitMiB()} MiB)`,
    metric: 'MiB',
    value: peak,
    goal: `<= ${RSS_BOUND_MIB}`,
    pass: peak <= RSS_BOUND_MIB,
  });
}
// The same bound on the roots-only rounds, where most spans wait for their run's tenant as pending
// columns (held, then adopted: a copy) before they are stored.
const rootOnlyRss = rounds.flatMap((r) => (r.rootOnly.rssMiB === null ? [] : [r.rootOnly.rssMiB]));
if (rootOnlyRss.length > 0) {
  const peak = Math.max(...rootOnlyRss);
  report({
    bench: 'ingest',
    case: 'server peak RSS, tenant on roots only (VmHWM, duckdb, worst round)',
    metric: 'MiB',
    value: peak,
    goal: `<= ${RSS_BOUND_MIB}`,
    pass: peak <= RSS_BOUND_MIB,
  });
}
report({
  bench: 'ingest',
  case: `rejected requests ${JSON.stringify(statuses)}`,
  metric: 'count',
  value: failed,
  pass: failed === 0,
});
const cpus = rounds.flatMap((r) => (r.e2e.cpu ? [r.e2e.cpu] : []));
if (cpus.length > 0) {
  // Where the end-to-end time goes: what one span costs the server, and the rates those costs allow.
  const serverUs = median(cpus.map((c) => c.serverUs));
  const eventLoopUs = median(cpus.map((c) => c.eventLoopUs));
  const clientUs = median(cpus.map((c) => c.clientUs));
  const processingUs = median(cpus.map((c) => c.processingUs));
  report({
    bench: 'ingest',
    case: 'server CPU per span, all threads',
    metric: 'µs',
    value: serverUs,
    goal: '<= 12',
    pass: serverUs <= 12,
  });
  report({
    bench: 'ingest',
    case: 'server CPU per span, event loop',
    metric: 'µs',
    value: eventLoopUs,
  });
  /** Server CPU a span of another workload or setting, measured in the same rounds. */
  const cpuRows = (label: string, cpus: Array<{ serverUs: number; eventLoopUs: number }>) => {
    if (cpus.length === 0) return;
    report({
      bench: 'ingest',
      case: `server CPU per span, all threads, ${label} (same rounds)`,
      metric: 'µs',
      value: median(cpus.map((c) => c.serverUs)),
    });
    report({
      bench: 'ingest',
      case: `server CPU per span, event loop, ${label} (same rounds)`,
      metric: 'µs',
      value: median(cpus.map((c) => c.eventLoopUs)),
    });
  };
  // The tenant on roots only: what its waiting spans (adopted in the writer's transaction, or
  // parked and taken back) add to a span's cost, against the rows above.
  cpuRows(
    'tenant on roots only',
    rounds.flatMap((r) => (r.rootOnly.cpu ? [r.rootOnly.cpu] : [])),
  );
  cpuRows(
    'ingest.workers: 0',
    rounds.flatMap((r) => (r.loopOnly.cpu ? [r.loopOnly.cpu] : [])),
  );
  cpuRows(
    'a commit a flush (storage.journal.holdRowGroups: false)',
    rounds.flatMap((r) => (r.eachFlush.cpu ? [r.eachFlush.cpu] : [])),
  );
  report({
    bench: 'ingest',
    case: 'of which sanitizing, redacting and building rows (tenantry_ingest_processing_seconds_total)',
    metric: 'µs',
    value: processingUs,
  });
  report({
    bench: 'ingest',
    case: 'load generator CPU per span (shares the 2 cores)',
    metric: 'µs',
    value: clientUs,
  });
  report({
    bench: 'ingest',
    case: 'ceiling: one event loop at 100% (1e6 / event-loop µs per span)',
    metric: 'spans/s',
    value: 1e6 / eventLoopUs,
  });
  report({
    bench: 'ingest',
    case: 'ceiling: 2 cores for the server alone (2e6 / server µs per span)',
    metric: 'spans/s',
    value: 2e6 / serverUs,
  });
  report({
    bench: 'ingest',
    case: 'ceiling: 2 cores for server and load generator (2e6 / their µs per span)',
    metric: 'spans/s',
    value: 2e6 / (serverUs + clientUs),
  });
}

// The same workload on a local ClickHouse (Debian's 18.16, one node), with and without the ingest
// journal (clickhouse.ts); BENCH_INGEST_CLICKHOUSE=0 skips. Then appending alone on chDB.
if (process.env.BENCH_INGEST_CLICKHOUSE !== '0') {
  await clickHouseRows({
    bodiesFile,
    totalSpans,
    sentSpans: totalSpans + warmupSpans,
    rounds: Math.max(1, Number(process.env.BENCH_INGEST_CLICKHOUSE_ROUNDS ?? ROUNDS)),
    appendOnly,
    duckAppendRate: appendRate,
    duckE2eRate: e2eRate,
  });
}

rmSync(bodiesDir, { recursive: true, force: true });
