import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Principal } from '../../packages/server/src/auth/principal.js';
import { defaultLimits, parseConfig } from '../../packages/server/src/config/config.js';
import { redactionCore } from '../../packages/server/src/ingest/redaction.js';
import {
  partitionByTenant,
  spanBuilder,
  spanIdentity,
} from '../../packages/server/src/ingest/row-builders.js';
import { tenantClaimReader } from '../../packages/server/src/ingest/tenant.js';
import { DECODERS } from '../../packages/server/src/otlp/decoders.js';
import { openDuckDbStorage } from '../../packages/server/src/storage/duckdb/index.js';
import {
  encodeSpanColumns,
  type SpanColumns,
} from '../../packages/server/src/storage/span-columns.js';
import type { SpanRow, WriteBatch } from '../../packages/server/src/storage/types.js';
import { quantile, report } from '../_lib/report.js';
import { requestBodies, SPANS_PER_REQUEST } from '../ingest/workload.js';

/**
 * Where ingest's CPU goes, part by part, on bench/ingest's workload (docs/scaling.md, "Sixth
 * look"): end to end only says how much. Two parts, each in this one process:
 *  - an ingest worker's stages on one thread, as ingest/ingest-worker.ts runs them (inflate,
 *    decode, partition by tenant, sanitize + redact + build rows, encode span columns);
 *  - DuckDB's own cost of storing those span columns (append, commit, checkpoint; its threads
 *    included), committed per journal flush (16,384 rows) and per row group (122,880 rows, as
 *    `storage.journal.holdRowGroups` holds the transaction).
 */
const REQUESTS = Number(process.env.BENCH_INGEST_COST_REQUESTS ?? 480);
const ROUNDS = 3;
const spans = REQUESTS * SPANS_PER_REQUEST;
const { gzipped } = await requestBodies(REQUESTS);
const median = (values: number[]) =>
  quantile(
    [...values].sort((a, b) => a - b),
    0.5,
  );

// --- The worker's stages. ---
const config = parseConfig({});
const limits = defaultLimits(config);
const redactor = redactionCore(config.redaction, () => 0);
const principal = { keyId: 'bench', kind: 'ingest', tenantId: null } as unknown as Principal;
const claimOf = tenantClaimReader(config.ingest.tenantAttributes);
const STAGES = ['inflate', 'decode', 'partition', 'build', 'encode'] as const;
const byStage = new Map<string, number[]>(STAGES.map((s) => [s, []]));
const columns: SpanColumns[] = [];
// Round 0 warms up (compiles the hot paths) and is not counted.
for (let round = 0; round <= ROUNDS; round++) {
  const ms = { inflate: 0, decode: 0, partition: 0, build: 0, encode: 0 };
  for (const body of gzipped) {
    let at = performance.now();
    const lap = (stage: keyof typeof ms) => {
      const now = performance.now();
      ms[stage] += now - at;
      at = now;
    };
    const bytes = gunzipSync(body);
    lap('inflate');
    const groups = await DECODERS.traces.protobuf(bytes);
    lap('decode');
    const { byTenant } = await partitionByTenant(groups, principal, (s) => s.attributes, {
      claimOf,
      traceOf: spanIdentity,
    });
    lap('partition');
    const rows: SpanRow[] = [];
    for (const [partition, items] of byTenant) {
      const batch: WriteBatch = { spans: [], logs: [], metrics: [] };
      const build = spanBuilder(batch, redactor);
      for (const item of items) build(partition, limits, item);
      for (const row of batch.spans) rows.push(row);
    }
    lap('build');
    const cols = encodeSpanColumns(rows);
    lap('encode');
    if (round === 0) columns.push(cols);
  }
  if (round === 0) continue;
  for (const stage of STAGES) byStage.get(stage)!.push((ms[stage] * 1000) / spans);
}
const workerUs = STAGES.reduce((sum, s) => sum + median(byStage.get(s)!), 0);
for (const stage of STAGES) {
  const us = median(byStage.get(stage)!);
  report({
    bench: 'ingest-cost',
    case: `worker stage: ${stage} (one thread, median of ${ROUNDS} rounds)`,
    metric: 'µs/span',
    value: us,
    ratio: us / workerUs,
    baseline: 'all worker stages',
  });
}
report({ bench: 'ingest-cost', case: 'worker stages, all', metric: 'µs/span', value: workerUs });

// --- DuckDB's own cost. ---
async function storeCpuUs(requestsPerCommit: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'tenantry-bench-cost-'));
  const store = await openDuckDbStorage({ dataDir: dir, memoryLimitMiB: 512 });
  await store.migrate();
  const before = process.cpuUsage();
  for (let i = 0; i < columns.length; i += requestsPerCommit) {
    const spanColumns = columns.slice(i, i + requestsPerCommit);
    await store.write({ spans: [], logs: [], metrics: [], spanColumns });
  }
  // What the commits left to the checkpoint is DuckDB's cost of these rows too.
  await store.close();
  const cpu = process.cpuUsage(before);
  rmSync(dir, { recursive: true, force: true });
  return (cpu.user + cpu.system) / spans;
}
const FLUSH_REQUESTS = 16_384 / SPANS_PER_REQUEST;
const ROW_GROUP_REQUESTS = 122_880 / SPANS_PER_REQUEST;
const perFlush: number[] = [];
const perRowGroup: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  perFlush.push(await storeCpuUs(FLUSH_REQUESTS));
  perRowGroup.push(await storeCpuUs(ROW_GROUP_REQUESTS));
}
report({
  bench: 'ingest-cost',
  case: `DuckDB storing span columns, a commit per 16,384 rows (process CPU, all threads; median of ${ROUNDS})`,
  metric: 'µs/span',
  value: median(perFlush),
});
report({
  bench: 'ingest-cost',
  case: `DuckDB storing span columns, a commit per row group of 122,880 rows (median of ${ROUNDS})`,
  metric: 'µs/span',
  value: median(perRowGroup),
  ratio: median(perRowGroup) / median(perFlush),
  baseline: 'a commit per 16,384 rows',
});
