import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toSpanRow } from '../../packages/server/src/ingest/rows.js';
import { decodeTracesProto } from '../../packages/server/src/otlp/decode-proto.js';
import { openDuckDbStorage } from '../../packages/server/src/storage/duckdb/index.js';
import type { SpanRow, WriteStore } from '../../packages/server/src/storage/types.js';
import { spawnCli } from '../../test/helpers/process.js';
import { startBenchClickHouse } from '../_lib/clickhouse.js';
import { quantile, report } from '../_lib/report.js';
import { requestBodies, SPANS_PER_REQUEST } from './workload.js';

/**
 * Ingest throughput, three ways over the same requests:
 *  - end to end: `tenantry up` in its own process, 4 concurrent clients POSTing gzip protobuf;
 *  - the decoder alone (protobuf -> rows), in this process;
 *  - appending the same rows straight into DuckDB (the storage floor).
 */
// 2,400 requests (1.2 M spans) so both phases run through several DuckDB checkpoints.
const REQUESTS = Number(process.env.BENCH_INGEST_REQUESTS ?? 2400);
const CLIENTS = 4;

const { raw, gzipped } = await requestBodies(REQUESTS);
const totalSpans = REQUESTS * SPANS_PER_REQUEST;

function rowsOf(body: Buffer): SpanRow[] {
  const rows: SpanRow[] = [];
  for (const g of decodeTracesProto(body)) {
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
for (const body of raw) rowsOf(body);
const decodeRate = totalSpans / ((performance.now() - start) / 1000);

// Append-only: the same rows, in group-commit sized batches like the server's writer.
const decoded = raw.map(rowsOf);
async function appendOnly(store: WriteStore): Promise<number> {
  const begin = performance.now();
  for (let i = 0; i < decoded.length; i += CLIENTS) {
    await store.write({ spans: decoded.slice(i, i + CLIENTS).flat(), logs: [], metrics: [] });
  }
  return totalSpans / ((performance.now() - begin) / 1000);
}

/** End to end: `tenantry up` in its own process, CLIENTS concurrent gzip protobuf posters. */
async function endToEnd(upArgs: string[]) {
  const server = spawnCli(['up', '--port', '0', ...upArgs]);
  const [, url] = await server.waitFor(/listening on (http:\/\/[\d.:]+)/);
  const [, key] = await server.waitFor(/platform ingest key:\s+(tnt_\S+)/);
  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  let next = 0;
  let failed = 0;
  const begin = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (next < REQUESTS) {
        const body = gzipped[next++]!;
        const sent = performance.now();
        const res = await fetch(`${url}/v1/traces`, {
          method: 'POST',
          body,
          headers: {
            authorization: `Bearer ${key}`,
            'content-type': 'application/x-protobuf',
            'content-encoding': 'gzip',
          },
        });
        await res.arrayBuffer();
        latencies.push(performance.now() - sent);
        if (res.status !== 200) {
          failed++;
          statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        }
      }
    }),
  );
  const rate = totalSpans / ((performance.now() - begin) / 1000);
  server.child.kill('SIGTERM');
  await server.exited;
  latencies.sort((a, b) => a - b);
  return { rate, p99: quantile(latencies, 0.99), failed, statuses };
}

const appendDir = mkdtempSync(join(tmpdir(), 'tenantry-bench-append-'));
const store = await openDuckDbStorage({ dataDir: appendDir });
await store.migrate();
const appendRate = await appendOnly(store);
await store.close();
rmSync(appendDir, { recursive: true, force: true });

const dataDir = mkdtempSync(join(tmpdir(), 'tenantry-bench-e2e-'));
const e2e = await endToEnd(['--data-dir', dataDir]);
rmSync(dataDir, { recursive: true, force: true });

report({ bench: 'ingest', case: 'decoder only', metric: 'spans/s', value: decodeRate });
report({ bench: 'ingest', case: 'duckdb append only', metric: 'spans/s', value: appendRate });
report({
  bench: 'ingest',
  case: `end to end on duckdb (gzip protobuf, ${SPANS_PER_REQUEST}/req, ${CLIENTS} clients)`,
  metric: 'spans/s',
  value: e2e.rate,
  goal: '>= 50000',
  pass: e2e.rate >= 50_000 && e2e.failed === 0,
});
report({
  bench: 'ingest',
  case: 'end to end vs append only (duckdb)',
  metric: 'ratio',
  value: e2e.rate / appendRate,
  ratio: e2e.rate / appendRate,
  baseline: 'duckdb append only',
  goal: '>= 0.5',
  pass: e2e.rate / appendRate >= 0.5,
});
report({
  bench: 'ingest',
  case: 'end to end vs decoder',
  metric: 'ratio',
  value: e2e.rate / decodeRate,
  ratio: e2e.rate / decodeRate,
  baseline: 'decoder only',
});
report({ bench: 'ingest', case: 'p99 time to acknowledge (duckdb)', metric: 'ms', value: e2e.p99 });
report({
  bench: 'ingest',
  case: `rejected requests ${JSON.stringify(e2e.statuses)}`,
  metric: 'count',
  value: e2e.failed,
  pass: e2e.failed === 0,
});

// The same workload on a local ClickHouse (Debian's 18.16, one node); BENCH_INGEST_CLICKHOUSE=0 skips.
if (process.env.BENCH_INGEST_CLICKHOUSE !== '0') {
  const ch = await startBenchClickHouse();
  const chAppend = await appendOnly(ch.storage);
  const chE2e = await endToEnd(ch.upArgs);
  await ch.stop();
  report({
    bench: 'ingest',
    case: 'clickhouse append only',
    metric: 'spans/s',
    value: chAppend,
    ratio: chAppend / appendRate,
    baseline: 'duckdb append only',
  });
  report({
    bench: 'ingest',
    case: 'end to end on clickhouse',
    metric: 'spans/s',
    value: chE2e.rate,
    ratio: chE2e.rate / e2e.rate,
    baseline: 'end to end on duckdb',
    pass: chE2e.failed === 0,
  });
  report({
    bench: 'ingest',
    case: 'p99 time to acknowledge (clickhouse)',
    metric: 'ms',
    value: chE2e.p99,
  });
}
