import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toSpanRow } from '../../packages/server/src/ingest/rows.js';
import { decodeTracesProto } from '../../packages/server/src/otlp/decode-proto.js';
import { openDuckDbStorage } from '../../packages/server/src/storage/duckdb/index.js';
import type { SpanRow } from '../../packages/server/src/storage/types.js';
import { spawnCli } from '../../test/helpers/process.js';
import { quantile, report } from '../_lib/report.js';
import { requestBodies, SPANS_PER_REQUEST } from './workload.js';

/**
 * Ingest throughput, three ways over the same requests:
 *  - end to end: `tenantry up` in its own process, 4 concurrent clients POSTing gzip protobuf;
 *  - the decoder alone (protobuf -> rows), in this process;
 *  - appending the same rows straight into DuckDB (the storage floor).
 */
const REQUESTS = Number(process.env.BENCH_INGEST_REQUESTS ?? 600);
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
let start = performance.now();
for (const body of raw) rowsOf(body);
const decodeRate = totalSpans / ((performance.now() - start) / 1000);

// Append-only into DuckDB, in group-commit sized batches like the server's writer.
const appendDir = mkdtempSync(join(tmpdir(), 'tenantry-bench-append-'));
const store = await openDuckDbStorage({ dataDir: appendDir });
await store.migrate();
const decoded = raw.map(rowsOf);
start = performance.now();
for (let i = 0; i < decoded.length; i += CLIENTS) {
  const spans = decoded.slice(i, i + CLIENTS).flat();
  await store.write({ spans, logs: [], metrics: [] });
}
const appendRate = totalSpans / ((performance.now() - start) / 1000);
await store.close();
rmSync(appendDir, { recursive: true, force: true });

// End to end through the real server process.
const dataDir = mkdtempSync(join(tmpdir(), 'tenantry-bench-e2e-'));
const server = spawnCli(['up', '--port', '0', '--data-dir', dataDir]);
const [, url] = await server.waitFor(/listening on (http:\/\/[\d.:]+)/);
const [, key] = await server.waitFor(/platform ingest key:\s+(tnt_\S+)/);
const latencies: number[] = [];
let next = 0;
let failed = 0;
const statuses: Record<number, number> = {};
start = performance.now();
await Promise.all(
  Array.from({ length: CLIENTS }, async () => {
    while (next < REQUESTS) {
      const body = gzipped[next++]!;
      const t0 = performance.now();
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
      latencies.push(performance.now() - t0);
      if (res.status !== 200) {
        failed++;
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      }
    }
  }),
);
const e2eRate = totalSpans / ((performance.now() - start) / 1000);
server.child.kill('SIGTERM');
await server.exited;
rmSync(dataDir, { recursive: true, force: true });
latencies.sort((a, b) => a - b);

report({ bench: 'ingest', case: 'decoder only', metric: 'spans/s', value: decodeRate });
report({ bench: 'ingest', case: 'duckdb append only', metric: 'spans/s', value: appendRate });
report({
  bench: 'ingest',
  case: `end to end (gzip protobuf, ${SPANS_PER_REQUEST}/req, ${CLIENTS} clients)`,
  metric: 'spans/s',
  value: e2eRate,
  goal: '>= 50000',
  pass: e2eRate >= 50_000 && failed === 0,
});
report({
  bench: 'ingest',
  case: 'end to end vs append only',
  metric: 'ratio',
  value: e2eRate / appendRate,
  ratio: e2eRate / appendRate,
  baseline: 'duckdb append only',
  goal: '>= 0.5',
  pass: e2eRate / appendRate >= 0.5,
});
report({
  bench: 'ingest',
  case: 'end to end vs decoder',
  metric: 'ratio',
  value: e2eRate / decodeRate,
  ratio: e2eRate / decodeRate,
  baseline: 'decoder only',
});
report({
  bench: 'ingest',
  case: 'p99 time to acknowledge',
  metric: 'ms',
  value: quantile(latencies, 0.99),
});
report({
  bench: 'ingest',
  case: 'rejected requests',
  metric: 'count',
  value: failed,
  pass: failed === 0,
});
