import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WriteStore } from '../../packages/server/src/storage/types.js';
import { benchEngines, startBenchClickHouse } from '../_lib/clickhouse.js';
import { quantile, report } from '../_lib/report.js';
import { type EndToEnd, endToEnd } from './end-to-end.js';

/**
 * The ClickHouse rows of bench/ingest (Debian's 18.16, one node): `tenantry up` with the ingest
 * journal (traces acknowledged once journaled, inserted in batches of up to 100k spans) and without
 * (each request waits for its own insert: the baseline), alternating in the same run, each on a
 * fresh node with `system.part_log` on, so the parts every insert and merge made are counted.
 */
interface Run {
  e2e: EndToEnd;
  /** Parts made by inserts (NewPart) and by merges (MergeParts), every table of the database. */
  newParts: number;
  mergedParts: number;
}

const PART_LOG = `<?xml version="1.0"?>
<yandex><part_log><database>system</database><table>part_log</table><flush_interval_milliseconds>1000</flush_interval_milliseconds></part_log></yandex>
`;

async function endToEndOnClickHouse(journal: boolean, bodies: string, spans: number): Promise<Run> {
  // The node's files: config.d/ is read beside its config.xml (part_log is off by default).
  const nodeDir = mkdtempSync(join(tmpdir(), 'tenantry-bench-ch-'));
  mkdirSync(join(nodeDir, 'config.d'));
  writeFileSync(join(nodeDir, 'config.d', 'part_log.xml'), PART_LOG);
  const ch = await startBenchClickHouse({ dir: nodeDir });
  const dataDir = mkdtempSync(join(tmpdir(), 'tenantry-bench-ch-data-'));
  const config = join(dataDir, 'tenantry.yaml');
  writeFileSync(config, `storage:\n  journal:\n    enabled: ${journal}\n`);
  try {
    const e2e = await endToEnd(
      [...ch.upArgs, '--data-dir', dataDir, '--config', config],
      bodies,
      spans,
      ch.pids,
    );
    await ch.storage.ch.exec('SYSTEM FLUSH LOGS');
    // By the enum's value: 18.16 names it NEW_PART / MERGE_PARTS, current releases NewPart / MergeParts.
    const rows = await ch.storage.ch.query<{ type: number; n: string }>(
      `SELECT CAST(event_type AS Int8) AS type, count() AS n FROM system.part_log
       WHERE database = '${ch.database}' GROUP BY type`,
    );
    const parts = (type: number) => Number(rows.find((r) => Number(r.type) === type)?.n ?? 0);
    return { e2e, newParts: parts(1), mergedParts: parts(2) };
  } finally {
    await ch.stop();
    rmSync(nodeDir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const median = (values: number[]) =>
  quantile(
    [...values].sort((a, b) => a - b),
    0.5,
  );

export async function clickHouseRows(o: {
  bodiesFile: string;
  /** Measured spans (the rate's), and all spans sent, warm-up included (what is stored). */
  totalSpans: number;
  sentSpans: number;
  rounds: number;
  appendOnly: (store: WriteStore) => Promise<number>;
  duckAppendRate: number;
  duckE2eRate: number;
}): Promise<void> {
  const ch = await startBenchClickHouse();
  const chAppend = await o.appendOnly(ch.storage);
  const label = ch.label;
  await ch.stop();
  const runs: Array<{ journal: Run; direct: Run }> = [];
  for (let i = 0; i < o.rounds; i++) {
    // Alternating which goes first: both see the machine's drift alike.
    const order = i % 2 === 0 ? [false, true] : [true, false];
    const round: Partial<{ journal: Run; direct: Run }> = {};
    for (const journal of order) {
      const run = await endToEndOnClickHouse(journal, o.bodiesFile, o.totalSpans);
      round[journal ? 'journal' : 'direct'] = run;
      process.stderr.write(
        `clickhouse round ${i + 1}/${o.rounds}, ${journal ? 'journal' : 'no journal'}: ${Math.round(run.e2e.rate)} spans/s, tenantry ${run.e2e.cpu?.serverUs.toFixed(1)} µs, clickhouse-server ${run.e2e.cpu?.storageUs.toFixed(1)} µs a span, p99 ${run.e2e.p99.toFixed(0)} ms, parts ${run.newParts} new / ${run.mergedParts} merged, stored ${JSON.stringify(run.e2e.stored)}\n`,
      );
    }
    runs.push(round as { journal: Run; direct: Run });
  }
  report({
    bench: 'ingest',
    case: `clickhouse append only (${label})`,
    metric: 'spans/s',
    value: chAppend,
    ratio: chAppend / o.duckAppendRate,
    baseline: 'duckdb append only',
  });
  const of = `median of ${o.rounds} alternating rounds`;
  const complete = (r: Run) => r.e2e.failed === 0 && r.e2e.stored.spans === o.sentSpans;
  const journalRate = median(runs.map((r) => r.journal.e2e.rate));
  const directRate = median(runs.map((r) => r.direct.e2e.rate));
  report({
    bench: 'ingest',
    case: `end to end on clickhouse (one server, ${label}, ingest journal; ${of})`,
    metric: 'spans/s',
    value: journalRate,
    ratio: journalRate / o.duckE2eRate,
    baseline: 'end to end on duckdb',
    goal: '>= 50000',
    pass: runs.every((r) => complete(r.journal)) && journalRate >= 50_000,
  });
  report({
    bench: 'ingest',
    case: `end to end on clickhouse without the journal (each request waits for its insert; same rounds)`,
    metric: 'spans/s',
    value: directRate,
    pass: runs.every((r) => complete(r.direct)),
  });
  const ratios = runs.map((r) => r.journal.e2e.rate / r.direct.e2e.rate);
  report({
    bench: 'ingest',
    case: `clickhouse end to end, journal vs none (median of per-round ratios, range ${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)})`,
    metric: 'ratio',
    value: median(ratios),
    ratio: median(ratios),
    baseline: 'end to end on clickhouse without the journal',
  });
  for (const variant of ['journal', 'direct'] as const) {
    const name = variant === 'journal' ? 'clickhouse, journal' : 'clickhouse, no journal';
    const these = runs.map((r) => r[variant]);
    const cpus = these.flatMap((r) => (r.e2e.cpu ? [r.e2e.cpu] : []));
    const rows: Array<[string, string, number]> = [
      [
        `p99 time to acknowledge (${name}, worst round)`,
        'ms',
        Math.max(...these.map((r) => r.e2e.p99)),
      ],
      [
        `parts created by inserts per 100k spans, all tables (${name}; system.part_log)`,
        'parts',
        median(these.map((r) => (r.newParts * 1e5) / o.sentSpans)),
      ],
      [
        `parts created by merges per 100k spans, all tables (${name}; system.part_log)`,
        'parts',
        median(these.map((r) => (r.mergedParts * 1e5) / o.sentSpans)),
      ],
    ];
    const rss = these.flatMap((r) => (r.e2e.rssMiB === null ? [] : [r.e2e.rssMiB]));
    // The journal holds up to a flush of rows (and the insert being sent) in memory.
    if (rss.length > 0)
      rows.push([`server peak RSS (VmHWM, ${name}, worst round)`, 'MiB', Math.max(...rss)]);
    if (cpus.length > 0) {
      rows.push(
        [`server CPU per span, all threads (${name})`, 'µs', median(cpus.map((c) => c.serverUs))],
        [`server CPU per span, event loop (${name})`, 'µs', median(cpus.map((c) => c.eventLoopUs))],
        [
          `clickhouse-server CPU per span (${name}: inserts, look-ups, merges)`,
          'µs',
          median(cpus.map((c) => c.storageUs)),
        ],
        [`load generator CPU per span (${name})`, 'µs', median(cpus.map((c) => c.clientUs))],
      );
    }
    for (const [c, metric, value] of rows) report({ bench: 'ingest', case: c, metric, value });
    if (variant === 'journal' && cpus.length > 0) {
      const serverUs = median(cpus.map((c) => c.serverUs));
      const storageUs = median(cpus.map((c) => c.storageUs));
      const clientUs = median(cpus.map((c) => c.clientUs));
      report({
        bench: 'ingest',
        case: 'ceiling on clickhouse (journal): 2 cores for tenantry, clickhouse-server and load (2e6 / their µs per span)',
        metric: 'spans/s',
        value: 2e6 / (serverUs + storageUs + clientUs),
      });
      // As deployed, ClickHouse runs elsewhere: then tenantry's own CPU bounds a server (implied,
      // not measured: the insert's loopback bytes are still counted against tenantry here).
      report({
        bench: 'ingest',
        case: 'implied ceiling with clickhouse on other machines (journal): 2 cores for tenantry alone (2e6 / tenantry µs per span)',
        metric: 'spans/s',
        value: 2e6 / serverUs,
      });
    }
  }
  if (benchEngines().includes('chdb')) {
    const chdb = await startBenchClickHouse({ engine: 'chdb' });
    const chdbAppend = await o.appendOnly(chdb.storage);
    await chdb.stop();
    report({
      bench: 'ingest',
      case: `clickhouse append only (${chdb.label}, in-process)`,
      metric: 'spans/s',
      value: chdbAppend,
      ratio: chdbAppend / chAppend,
      baseline: `clickhouse append only (${label})`,
    });
  }
}
