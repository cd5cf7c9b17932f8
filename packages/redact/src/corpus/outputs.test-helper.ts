/**
 * Pins what the redactor does, so a faster scanner can be checked against the one before it:
 * every corpus case, seeded fuzz strings built from PII, near-misses, triggers and non-ASCII, and
 * bench-like prompts and attributes, run through the redactor under three policies (everything
 * on, pattern detectors only, and a mask/hash policy with extra keys). Outputs are digested per
 * chunk of cases (the whole outputs would be megabytes); `outputs.test.ts` records the digests and
 * the corpus scores into `__fixtures__/outputs.json` (TENANTRY_RECORD_OUTPUTS=1) and compares.
 */
import { createHash } from 'node:crypto';
import { createRedactor } from '../redactor.js';
import type { RedactionPolicy, Redactor } from '../types.js';
import { generateContextCorpus } from './context/generate.js';
import { hardNegative as contextNegative } from './context/negatives.js';
import { address, birthDate, CONDITIONS, MEDICATIONS, person } from './context/values.js';
import type { CorpusScore } from './evaluate.js';
import { cardLikeInvalid, credential, GENERATORS } from './fakes.js';
import { generateCorpus } from './generate.js';
import { hardNegative } from './negatives.js';
import { prose } from './prose.js';
import { Rng } from './rng.js';

/** The seeds and sizes of corpus.test.ts and context.test.ts. */
export const CORPUS = { seed: 20_260_401, cases: 3_500 };
export const CONTEXT_CORPUS = { seed: 20_260_521, cases: 2_400 };
const CHUNK = 20;

export const POLICIES: Record<string, RedactionPolicy> = {
  all: { hashKey: 'outputs-hash-key-0123456789' },
  patterns: {
    hashKey: 'outputs-hash-key-0123456789',
    detectors: { PERSON: false, ADDRESS: false, DATE_OF_BIRTH: false, HEALTH: false },
  },
  mixed: {
    hashKey: 'outputs-hash-key-0123456789',
    defaultAction: 'mask',
    actions: { EMAIL: 'hash', PHONE: 'drop', IP_ADDRESS: 'allow', PERSON: 'hash' },
    sensitiveKeys: ['customer_notes', 'ref'],
    thresholds: { PERSON: 0.3, ADDRESS: 0.9 },
    detectors: { HEALTH: false },
  },
};

const TRIGGERS = '0123456789 -.+()@:/=?&_"\'{}[],\\#*%$!abcdefxyzABCDEFGHIJKLMNOPQRSTUVWXYZ\n\t';
const GLUE = ['', ' ', ' ', ' ', '\n', ':', ': ', '=', '"', ',', '-', '_', '/', '@', '(', ')', '.'];
const ODD = ['é', 'ü', 'ß', 'Ö', '中文', '😀', '\u00a0', '\u2028', '\ud800', '\udc00', 'İ', 'ﬀ'];
const KEYS = ['password', 'api_key', 'token', 'Authorization', 'db_password', 'note', 'x', 'ssn'];
const WORDS = ['Bearer', 'Basic', 'AKIA', 'AIza', 'eyJ', 'sk-', 'ghp_', 'xoxb-', '-----BEGIN '];

/** One piece of a fuzz string: a value a detector wants, a near miss, a trigger or filler. */
function piece(r: Rng): string {
  switch (r.int(0, 13)) {
    case 0:
    case 1:
      return r.pick(Object.values(GENERATORS))(r);
    case 2:
      return credential(r).text;
    case 3:
      return hardNegative(r);
    case 4:
      return contextNegative(r);
    case 5:
      return r.pick([person, address, (x: Rng) => `born ${birthDate(x)}`])(r);
    case 6:
      return r.pick([...CONDITIONS, ...MEDICATIONS]);
    case 7:
      return prose(r, r.int(10, 120));
    case 8:
      return `${r.pick(KEYS)}${r.pick(['=', ': ', '":"', ' = '])}${r.fromAlphabet(TRIGGERS, r.int(1, 30))}`;
    case 9:
      return r.pick(WORDS) + r.fromAlphabet(TRIGGERS, r.int(0, 40));
    case 10:
      return r.fromAlphabet(TRIGGERS, r.int(1, 40));
    case 11:
      return r.pick(ODD);
    case 12:
      return cardLikeInvalid(r);
    default: {
      // A detector's value with one character changed, cut or doubled: the edges of each format.
      const v = r.pick(Object.values(GENERATORS))(r);
      const at = r.int(0, v.length);
      const op = r.int(0, 2);
      const ch = r.fromAlphabet(TRIGGERS, 1);
      if (op === 0) return v.slice(0, at) + ch + v.slice(at + 1);
      if (op === 1) return v.slice(0, at);
      return v.slice(0, at) + ch + v.slice(at);
    }
  }
}

export function fuzzStrings(seed: number, n: number): string[] {
  const r = new Rng(seed);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const parts: string[] = [];
    const k = r.int(1, 8);
    for (let j = 0; j < k; j++) parts.push(piece(r), r.pick(GLUE));
    let s = parts.join('');
    const letterCase = r.next();
    if (letterCase < 0.1) s = s.toUpperCase();
    else if (letterCase < 0.2) s = s.toLowerCase();
    if (r.chance(0.05)) s = JSON.stringify({ [r.pick(KEYS)]: s, msg: s.slice(0, 20) });
    out.push(s);
  }
  return out;
}

/** Long prompts and ~90-byte attributes, shaped like the bench's. */
function benchLike(seed: number): string[] {
  const r = new Rng(seed);
  const out: string[] = [];
  for (let i = 0; i < 40; i++) {
    const parts = [prose(r, r.int(200, 4000))];
    for (let j = r.int(0, 4); j > 0; j--) parts.push(piece(r), prose(r, r.int(50, 800)));
    out.push(parts.join(' '));
  }
  for (let i = 0; i < 400; i++) {
    out.push(
      r.pick([
        () => `GET https://api.example.com/v1/users/${r.int(1, 99999)}/orders?page=${r.int(1, 9)}`,
        () => `Tool lookup_order finished: status=ok rows=${r.int(0, 50)} shard=${r.int(1, 64)}`,
        () => `{"query":"refund for order ${r.int(1000, 9999)}","top_k":${r.int(1, 20)}}`,
        () => `model gpt-4o-mini returned finish_reason=stop after ${r.int(10, 4000)} tokens`,
        () => `${prose(r, 60)} ${piece(r)}`,
      ])(),
    );
  }
  return out;
}

export interface Suite {
  name: string;
  inputs: unknown[];
}

export function suites(): Suite[] {
  return [
    { name: 'corpus', inputs: generateCorpus(CORPUS.seed, CORPUS.cases).map((c) => c.input) },
    {
      name: 'context',
      inputs: generateContextCorpus(CONTEXT_CORPUS.seed, CONTEXT_CORPUS.cases).map((c) => c.input),
    },
    { name: 'fuzz', inputs: fuzzStrings(7_031, 6_000) },
    { name: 'bench-like', inputs: benchLike(4_242) },
  ];
}

/** Everything observable for one input: redact(), and for strings redactString() and analyze(). */
function observe(r: Redactor, input: unknown): string {
  const a = r.redact(input);
  let s = JSON.stringify([a.value, a.findings]);
  if (typeof input === 'string') {
    const b = r.redactString(input);
    s += `\u0000${b.value}\u0000${JSON.stringify(b.findings)}`;
    s += `\u0000${JSON.stringify(r.analyze(input))}`;
  }
  return s;
}

/** Digests of the outputs, one per chunk of CHUNK inputs, keyed `policy/suite`. */
export function outputDigests(): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const all = suites();
  for (const [name, policy] of Object.entries(POLICIES)) {
    const r = createRedactor(policy);
    for (const s of all) {
      const digests: string[] = [];
      for (let i = 0; i < s.inputs.length; i += CHUNK) {
        const h = createHash('sha256');
        for (const input of s.inputs.slice(i, i + CHUNK)) h.update(observe(r, input)).update('\n');
        digests.push(h.digest('hex').slice(0, 16));
      }
      out[`${name}/${s.name}`] = digests;
    }
  }
  return out;
}

/** The counts behind precision and recall, per type: what a pinned score compares. */
export function scoreCounts(s: CorpusScore): Record<string, unknown> {
  const byType: Record<string, [number, number, number]> = {};
  for (const [t, x] of Object.entries(s.byType).sort(([a], [b]) => a.localeCompare(b))) {
    byType[t] = [x.tp, x.fp, x.fn];
  }
  return { byType, negativesKept: s.negatives.kept, negatives: s.negatives.total };
}

export { CHUNK };
