import { fileURLToPath } from 'node:url';
import { ROW_GROUP_ROWS } from '../../packages/server/src/storage/journal/journaled-writer.js';
import { spawnScript } from '../../test/helpers/process.js';
import { quantile, report } from '../_lib/report.js';
import { SPANS_PER_REQUEST } from '../ingest/workload.js';

/**
 * The journal's storage side (docs/scaling.md, "Where the time goes: ingest workers"): the same
 * requests through the JournaledWriter into DuckDB, committing every flush (16,384 rows or 250 ms)
 * against holding one transaction open until it holds a row group (storage.journal.holdRowGroups).
 * CPU of every thread per span, each run in its own process; the two alternate, and the ratio is
 * the median of each round's ratio, so both sides of it see the same load.
 */
const REQUESTS = Number(process.env.BENCH_JOURNAL_REQUESTS ?? 1200);
const RATE = Number(process.env.BENCH_JOURNAL_RATE ?? 60_000);
const ROUNDS = Math.max(1, Number(process.env.BENCH_JOURNAL_ROUNDS ?? 3));
const RUN = fileURLToPath(new URL('./run-one.ts', import.meta.url));

interface Run {
  cpuUsPerSpan: number;
  commits: number;
  ackP99Ms: number;
}

async function run(holdRows: number): Promise<Run> {
  const child = spawnScript(RUN, [String(REQUESTS), String(RATE), String(holdRows)]);
  const [, json] = await child.waitFor(/^result (.*)$/m, 10 * 60_000);
  await child.exited;
  return JSON.parse(json!) as Run;
}

const rounds: Array<{ flush: Run; held: Run }> = [];
for (let i = 0; i < ROUNDS; i++) {
  const flush = await run(0);
  const held = await run(ROW_GROUP_ROWS);
  rounds.push({ flush, held });
  process.stderr.write(
    `round ${i + 1}/${ROUNDS}: commit per flush ${flush.cpuUsPerSpan.toFixed(2)} µs/span (${flush.commits} commits, ack p99 ${flush.ackP99Ms.toFixed(0)} ms), held ${held.cpuUsPerSpan.toFixed(2)} µs/span (${held.commits} commits, ack p99 ${held.ackP99Ms.toFixed(0)} ms)\n`,
  );
}
const median = (values: number[]) =>
  quantile(
    [...values].sort((a, b) => a - b),
    0.5,
  );
const spans = REQUESTS * SPANS_PER_REQUEST;
const of = `${spans} spans offered at ${RATE}/s, median of ${ROUNDS} alternating rounds`;
report({
  bench: 'journal',
  case: `commit per flush (${of})`,
  metric: 'µs CPU/span',
  value: median(rounds.map((r) => r.flush.cpuUsPerSpan)),
});
report({
  bench: 'journal',
  case: `held until a row group (${of})`,
  metric: 'µs CPU/span',
  value: median(rounds.map((r) => r.held.cpuUsPerSpan)),
});
const ratios = rounds.map((r) => r.held.cpuUsPerSpan / r.flush.cpuUsPerSpan);
const ratio = median(ratios);
report({
  bench: 'journal',
  case: `held vs commit per flush (median of per-round ratios, range ${Math.min(...ratios).toFixed(3)}-${Math.max(...ratios).toFixed(3)})`,
  metric: 'ratio',
  value: ratio,
  ratio,
  baseline: 'commit per flush',
});
