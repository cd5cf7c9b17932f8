/**
 * Runs every benchmark under bench/ (each bench/<name>/index.ts), one after another in its own
 * process so they do not disturb each other, and prints one table of their reported rows.
 *
 * A benchmark prints its results as JSON lines on stdout prefixed with `BENCH ` :
 *   BENCH {"bench":"sdk-overhead","case":"tenantry","metric":"us/run","value":12.3,"ratio":1.08,"baseline":"bare-otel","goal":"<= 1.15"}
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface BenchRow {
  bench: string;
  case: string;
  metric: string;
  value: number;
  ratio?: number;
  baseline?: string;
  goal?: string;
  pass?: boolean;
}

const benchDir = fileURLToPath(new URL('.', import.meta.url));
const only = process.argv.slice(2);
const names = readdirSync(benchDir, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(benchDir, d.name, 'index.ts')))
  .map((d) => d.name)
  .filter((n) => only.length === 0 || only.includes(n))
  .sort();

const rows: BenchRow[] = [];
let failures = 0;
for (const name of names) {
  process.stderr.write(`\n▶ bench/${name}\n`);
  const res = spawnSync(process.execPath, ['--import', 'tsx', join(benchDir, name, 'index.ts')], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  for (const line of res.stdout.split('\n')) {
    if (line.startsWith('BENCH ')) rows.push(JSON.parse(line.slice(6)) as BenchRow);
    else if (line.trim()) process.stderr.write(`  ${line}\n`);
  }
  if (res.status !== 0) {
    failures++;
    process.stderr.write(`  bench/${name} exited with ${res.status}\n`);
  }
}

const fmt = (n: number | undefined) =>
  n === undefined ? '' : Math.abs(n) >= 100 ? n.toFixed(0) : n.toPrecision(3);
const table = rows.map((r) => ({
  bench: r.bench,
  case: r.case,
  value: `${fmt(r.value)} ${r.metric}`,
  ratio: r.ratio === undefined ? '' : `${fmt(r.ratio)}× vs ${r.baseline ?? 'baseline'}`,
  goal: r.goal ?? '',
  met: r.pass === undefined ? '' : r.pass ? 'yes' : 'NO',
}));
const cols = ['bench', 'case', 'value', 'ratio', 'goal', 'met'] as const;
const width = Object.fromEntries(
  cols.map((c) => [c, Math.max(c.length, ...table.map((t) => t[c].length))]),
) as Record<(typeof cols)[number], number>;
const line = (t: Record<string, string>) => cols.map((c) => t[c]!.padEnd(width[c])).join('  ');
console.log(`\n${line(Object.fromEntries(cols.map((c) => [c, c])))}`);
console.log(cols.map((c) => '-'.repeat(width[c])).join('  '));
for (const t of table) console.log(line(t));
process.exitCode = failures > 0 ? 1 : 0;
