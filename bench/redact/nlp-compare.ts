/**
 * The library decision, measured: compromise (lexicon/rule NLP, MIT, everything inside its npm
 * package) against our own context detectors, on PERSON (the one type compromise covers; it has no
 * postal address, birth-date or health entities) of the context corpus, and on prose throughput.
 * wink-nlp with wink-eng-lite-web-model was also tried: that model has no PERSON entity at all.
 * Not part of `npm run bench` (compromise is not a dependency). Run it with:
 *   mkdir -p /tmp/nlpcmp && (cd /tmp/nlpcmp && npm init -y && npm i -E compromise@14.17.0)
 *   NLP_COMPARE_DIR=/tmp/nlpcmp node --import tsx bench/redact/nlp-compare.ts
 */
import { createRequire } from 'node:module';
import { generateContextCorpus } from '../../packages/redact/src/corpus/context/generate.js';
import { evaluate } from '../../packages/redact/src/corpus/evaluate.js';
import { prose } from '../../packages/redact/src/corpus/prose.js';
import { Rng } from '../../packages/redact/src/corpus/rng.js';
import { createRedactor } from '../../packages/redact/src/index.js';
import type { Redactor, RedactResult } from '../../packages/redact/src/types.js';

interface Doc {
  people(): { out(kind: 'array'): string[] };
}
const dir = process.env['NLP_COMPARE_DIR'];
if (dir === undefined) throw new Error('set NLP_COMPARE_DIR to a folder with compromise installed');
const nlp = createRequire(`${dir}/`)('compromise') as (text: string) => Doc;

function redactText(s: string, findings: Record<string, number>): string {
  let out = s;
  for (const p of new Set(nlp(s).people().out('array'))) {
    const name = p.replace(/[.,!?;:]+$/, '').trim();
    if (name === '' || !out.includes(name)) continue;
    findings['PERSON'] = (findings['PERSON'] ?? 0) + out.split(name).length - 1;
    out = out.split(name).join('[REDACTED:PERSON]');
  }
  return out;
}

function walk(v: unknown, f: Record<string, number>): unknown {
  if (typeof v === 'string') {
    const t = v.trim();
    if (t.startsWith('{') && t.endsWith('}')) {
      try {
        return JSON.stringify(walk(JSON.parse(t), f));
      } catch {
        // plain text
      }
    }
    return redactText(v, f);
  }
  if (Array.isArray(v)) return v.map((x) => walk(x, f));
  if (typeof v === 'object' && v !== null) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, f)]));
  }
  return v;
}

const compromiseRedactor: Redactor = {
  redact<T>(value: T): RedactResult<T> {
    const findings: Record<string, number> = {};
    return { value: walk(value, findings) as T, findings };
  },
  redactString(s: string): RedactResult<string> {
    const findings: Record<string, number> = {};
    return { value: redactText(s, findings), findings };
  },
  analyze: () => [],
};

const cases = generateContextCorpus(20_260_521, 2_400);
const ours = createRedactor({ hashKey: 'bench-hash-key-0123456789' });
const personOnly = cases.map((c) => ({
  ...c,
  entities: c.entities.filter((e) => e.type === 'PERSON'),
}));
for (const [name, r] of [
  ['compromise 14.17.0', compromiseRedactor],
  ['tenantry context detectors', ours],
] as const) {
  const s = evaluate(r, personOnly).byType['PERSON']!;
  const neg = evaluate(r, cases).negatives;
  console.log(
    `${name.padEnd(28)} PERSON precision=${s.precision.toFixed(3)} recall=${s.recall.toFixed(3)} (tp=${s.tp} fp=${s.fp} of ${s.expected}); hard negatives kept ${neg.kept}/${neg.total}`,
  );
}

const rng = new Rng(7);
const text = Array.from({ length: 20 }, () => prose(rng, 10_000)).join('\n');
const mb = Buffer.byteLength(text) / 1e6;
for (const [name, fn] of [
  ['compromise people()', () => nlp(text).people().out('array').length],
  ['tenantry redactString', () => ours.redactString(text).value.length],
] as const) {
  fn();
  const t0 = performance.now();
  let runs = 0;
  while (performance.now() - t0 < 3000) {
    fn();
    runs++;
  }
  const sec = (performance.now() - t0) / 1000;
  console.log(
    `${name.padEnd(28)} ${((mb * runs) / sec).toFixed(2)} MB/s on ${mb.toFixed(2)} MB of prose`,
  );
}
