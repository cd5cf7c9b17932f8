/**
 * Scores a redactor on the labeled corpus. Per type: an expected entity counts as found when its
 * value is gone from the output and the redactor reported a finding of that type; findings beyond
 * the found entities are false positives. A hard negative is kept when it survives verbatim.
 */
import type { EntityType, Redactor } from '../types.js';
import type { LabeledCase } from './generate.js';

export interface TypeScore {
  expected: number;
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
}

export interface CorpusScore {
  cases: number;
  byType: Record<string, TypeScore>;
  overall: { tp: number; fp: number; fn: number; precision: number; recall: number };
  negatives: { total: number; kept: number; rate: number };
  /** Outputs where redaction failed closed (`[REDACTED:ERROR]`): an internal error, never expected. */
  failures: number;
  /** A few misses, to print when a floor fails. */
  examples: string[];
}

/** Every string in the output, with JSON-in-string unpacked, so escaping cannot hide a leak. */
function strings(v: unknown, out: string[], depth = 0): void {
  if (depth > 64) return;
  if (typeof v === 'string') {
    out.push(v);
    const t = v.trim();
    if ((t.startsWith('{') && t.endsWith('}')) || (t.startsWith('[') && t.endsWith(']'))) {
      try {
        strings(JSON.parse(t), out, depth + 1);
      } catch {
        // not JSON after all
      }
    }
  } else if (Array.isArray(v)) {
    for (const x of v) strings(x, out, depth + 1);
  } else if (typeof v === 'object' && v !== null) {
    for (const x of Object.values(v)) strings(x, out, depth + 1);
  }
}

export function evaluate(redactor: Redactor, cases: LabeledCase[]): CorpusScore {
  const byType: Record<string, TypeScore> = {};
  const score = (t: string): TypeScore => {
    byType[t] ??= { expected: 0, tp: 0, fp: 0, fn: 0, precision: 1, recall: 1 };
    return byType[t]!;
  };
  const examples: string[] = [];
  let negTotal = 0;
  let negKept = 0;
  let failures = 0;
  for (const c of cases) {
    const res = redactor.redact(c.input);
    const outs: string[] = [];
    strings(res.value, outs);
    const leaked = (v: string) => outs.some((o) => o.includes(v));
    if (outs.some((o) => o.includes('[REDACTED:ERROR]'))) failures++;
    const gone: Record<string, number> = {};
    const expected: Record<string, number> = {};
    for (const e of c.entities) {
      expected[e.type] = (expected[e.type] ?? 0) + 1;
      if (!leaked(e.value)) gone[e.type] = (gone[e.type] ?? 0) + 1;
      else if (examples.length < 20) examples.push(`missed ${e.type}: ${JSON.stringify(e.value)}`);
    }
    const types = new Set([...Object.keys(expected), ...Object.keys(res.findings)]);
    for (const t of types) {
      const s = score(t);
      const exp = expected[t] ?? 0;
      const found = res.findings[t] ?? 0;
      const tp = Math.min(found, gone[t] ?? 0);
      s.expected += exp;
      s.tp += tp;
      s.fn += exp - tp;
      s.fp += found - tp;
      if (found > exp && examples.length < 20) {
        examples.push(`extra ${t} in ${c.kind}: ${JSON.stringify(res.value).slice(0, 300)}`);
      }
    }
    for (const n of c.negatives) {
      negTotal++;
      if (leaked(n)) negKept++;
      else if (examples.length < 20) examples.push(`negative redacted: ${JSON.stringify(n)}`);
    }
  }
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const s of Object.values(byType)) {
    s.precision = s.tp + s.fp === 0 ? 1 : s.tp / (s.tp + s.fp);
    s.recall = s.expected === 0 ? 1 : s.tp / s.expected;
    tp += s.tp;
    fp += s.fp;
    fn += s.fn;
  }
  return {
    cases: cases.length,
    byType,
    overall: {
      tp,
      fp,
      fn,
      precision: tp + fp === 0 ? 1 : tp / (tp + fp),
      recall: tp + fn === 0 ? 1 : tp / (tp + fn),
    },
    negatives: { total: negTotal, kept: negKept, rate: negTotal === 0 ? 1 : negKept / negTotal },
    failures,
    examples,
  };
}

/** A fixed-width table of the scores, for test output and the CLI. */
export function formatScore(s: CorpusScore): string {
  const rows = Object.entries(s.byType)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([t, x]) =>
        `${t.padEnd(14)} expected=${String(x.expected).padStart(5)} tp=${String(x.tp).padStart(5)} fp=${String(x.fp).padStart(4)} precision=${x.precision.toFixed(4)} recall=${x.recall.toFixed(4)}`,
    );
  rows.push(
    `${'OVERALL'.padEnd(14)} precision=${s.overall.precision.toFixed(4)} recall=${s.overall.recall.toFixed(4)}; hard negatives kept ${s.negatives.kept}/${s.negatives.total} (${s.negatives.rate.toFixed(4)}); internal failures ${s.failures}`,
  );
  return rows.join('\n');
}

export type { EntityType };
