/**
 * The labeled corpus: seeded, so a fixed seed gives the same cases on every machine. Each case
 * lists the entities that must disappear (with their expected type) and the hard negatives that
 * must survive verbatim.
 */
import type { EntityType } from '../types.js';
import { credential, GENERATORS } from './fakes.js';
import { hardNegative } from './negatives.js';
import { prose } from './prose.js';
import { ALNUM, Rng } from './rng.js';

export interface Entity {
  type: EntityType;
  value: string;
}

export type CaseKind = 'text' | 'negative' | 'json' | 'json-string' | 'prompt' | 'log' | 'headers';

export interface LabeledCase {
  kind: CaseKind;
  input: unknown;
  entities: Entity[];
  negatives: string[];
}

const TEXT_TEMPLATES: Record<keyof typeof GENERATORS, string[]> = {
  EMAIL: [
    'Please send the invoice to {v} before Friday.',
    'User {v} reported that the agent looped.',
    'contact: {v}',
    '<{v}>',
    'Forwarded from {v}, see thread.',
  ],
  PHONE: [
    'Call me back at {v} tomorrow.',
    'phone: {v}',
    'My number is {v}, text first.',
    'Support line ({v}) was busy.',
  ],
  CREDIT_CARD: [
    'Charge card {v} for the renewal.',
    'card_number={v}',
    'The customer typed {v} into the chat.',
    'Payment with {v} failed.',
  ],
  IBAN: ['Wire it to {v} please.', 'IBAN: {v}', 'Refund to account {v}.'],
  US_SSN: ['My SSN is {v}.', 'ssn {v} on file', 'Verify identity with {v} and DOB.'],
  IP_ADDRESS: [
    'Request came from {v} at noon.',
    'client_ip={v}',
    'Blocked {v} after retries.',
    'Connect to [{v}]:8080 for the admin UI.',
  ],
  SECRET: [
    'Use this key: {v}',
    'OPENAI_KEY={v}',
    'I accidentally pasted {v} into the prompt.',
    'config:\n{v}\nend',
  ],
};

const NEGATIVE_TEMPLATES = [
  'Reference {v} in the ticket.',
  'Processed {v} successfully.',
  'Value was {v} yesterday.',
  '{v}',
];

const TYPES = Object.keys(GENERATORS) as Array<keyof typeof GENERATORS>;

/** Punctuation and markup that real text puts around values. */
const WRAPPERS = [
  '{}',
  '({})',
  '"{}"',
  "'{}'",
  '{},',
  '{}.',
  '<{}>',
  '[{}]',
  '**{}**',
  '`{}`',
  '{};',
];

function entity(r: Rng): Entity & { text: string } {
  if (r.chance(1 / (TYPES.length + 1))) {
    const c = credential(r);
    return { type: 'CREDENTIAL', value: c.value, text: c.text };
  }
  const type = r.pick(TYPES);
  const value = GENERATORS[type](r);
  const wrap = r.chance(0.5) ? '{}' : r.pick(WRAPPERS);
  return { type, value, text: wrap.replace('{}', value) };
}

function textCase(r: Rng): LabeledCase {
  const e = entity(r);
  if (e.type === 'CREDENTIAL') {
    return { kind: 'text', input: `Note: ${e.text} (rotated later)`, entities: [e], negatives: [] };
  }
  const t = r.pick(TEXT_TEMPLATES[e.type as keyof typeof GENERATORS]);
  return {
    kind: 'text',
    input: t.replace('{v}', e.text),
    entities: [{ type: e.type, value: e.value }],
    negatives: [],
  };
}

function negativeCase(r: Rng): LabeledCase {
  const v = hardNegative(r);
  return {
    kind: 'negative',
    input: r.pick(NEGATIVE_TEMPLATES).replace('{v}', v),
    entities: [],
    negatives: [v],
  };
}

const KEYS = ['password', 'apiKey', 'X-Api-Key', 'client_secret', 'authorization', 'Set-Cookie'];

function jsonValue(r: Rng, entities: Entity[], negatives: string[], depth: number): unknown {
  const obj: Record<string, unknown> = {};
  const fields = r.int(2, 5);
  for (let i = 0; i < fields; i++) {
    const roll = r.next();
    if (roll < 0.3) {
      const e = entity(r);
      obj[`field_${i}`] = e.text;
      entities.push({ type: e.type, value: e.value });
    } else if (roll < 0.45) {
      const key = r.pick(KEYS);
      if (key in obj) continue;
      const v = r.fromAlphabet(ALNUM, r.int(6, 20));
      obj[key] = v;
      entities.push({ type: 'SENSITIVE_KEY', value: v });
    } else if (roll < 0.6) {
      const v = hardNegative(r);
      obj[`ref_${i}`] = v;
      negatives.push(v);
    } else if (roll < 0.75 && depth < 4) {
      obj[`child_${i}`] = r.chance(0.5)
        ? jsonValue(r, entities, negatives, depth + 1)
        : [jsonValue(r, entities, negatives, depth + 1), r.int(0, 100)];
    } else {
      obj[`n_${i}`] = r.chance(0.5) ? r.int(0, 1000) : 'ok';
    }
  }
  return obj;
}

function jsonCase(r: Rng, encoded: boolean): LabeledCase {
  const entities: Entity[] = [];
  const negatives: string[] = [];
  const value = jsonValue(r, entities, negatives, 0);
  const input = encoded ? { tool: 'lookup', arguments: JSON.stringify(value) } : value;
  return { kind: encoded ? 'json-string' : 'json', input, entities, negatives };
}

function promptCase(r: Rng): LabeledCase {
  const entities: Entity[] = [];
  const negatives: string[] = [];
  const target = r.int(2_000, 12_000);
  const parts: string[] = [];
  let len = 0;
  while (len < target) {
    const p = prose(r, r.int(200, 800));
    parts.push(p);
    len += p.length;
    if (r.chance(0.6)) {
      const e = entity(r);
      parts.push(e.text);
      entities.push({ type: e.type, value: e.value });
    } else {
      const v = hardNegative(r);
      parts.push(v);
      negatives.push(v);
    }
  }
  return { kind: 'prompt', input: parts.join(' '), entities, negatives };
}

/** Generates `n` cases; the mix favours short texts but covers JSON, encoded JSON and prompts. */
/** A logfmt line as agents and proxies write them: PII in some fields, ids and timings in others. */
function logCase(r: Rng): LabeledCase {
  const email = GENERATORS.EMAIL(r);
  const ip = GENERATORS.IP_ADDRESS(r).replace(/^(\d+\.\d+\.\d+\.\d+):\d+$/, '$1');
  const requestId = [8, 4, 4, 4, 12].map((n) => r.fromAlphabet('0123456789abcdef', n)).join('-');
  const order = `ORD-${r.digits(10)}`;
  const latency = `latency_ms=${r.int(1, 9000)}`;
  const line = `ts=2026-11-25T${r.int(10, 23)}:${r.int(10, 59)}:${r.int(10, 59)}.${r.digits(3)}Z level=info tenant=acme request_id=${requestId} user=${email} client_ip=${ip} ${latency} order=${order} msg="lookup done"`;
  return {
    kind: 'log',
    input: line,
    entities: [
      { type: 'EMAIL', value: email },
      { type: 'IP_ADDRESS', value: ip },
    ],
    negatives: [requestId, order, latency],
  };
}

/** An HTTP header block as captured content: credentials next to ids and user agents. */
function headersCase(r: Rng): LabeledCase {
  const token = r.fromAlphabet(ALNUM, r.int(24, 40)) + r.digits(2);
  const session = r.fromAlphabet(ALNUM, 24);
  const requestId = [8, 4, 4, 4, 12].map((n) => r.fromAlphabet('0123456789abcdef', n)).join('-');
  const agent = `Mozilla/5.0 (X11; Linux x86_64) Chrome/${r.int(100, 131)}.0.${r.int(1000, 6999)}.${r.int(10, 99)}`;
  const text = [
    'POST /v1/agents/run HTTP/1.1',
    'Host: api.example.com',
    `Authorization: Bearer ${token}`,
    `Cookie: session=${session}; theme=dark`,
    `X-Request-Id: ${requestId}`,
    `User-Agent: ${agent}`,
    `Content-Length: ${r.int(100, 9999)}`,
  ].join('\r\n');
  return {
    kind: 'headers',
    input: text,
    entities: [
      { type: 'CREDENTIAL', value: token },
      { type: 'CREDENTIAL', value: session },
    ],
    negatives: [requestId, agent, 'theme=dark'],
  };
}

export function generateCorpus(seed: number, n: number): LabeledCase[] {
  const r = new Rng(seed);
  const out: LabeledCase[] = [];
  for (let i = 0; i < n; i++) {
    const roll = r.next();
    if (roll < 0.45) out.push(textCase(r));
    else if (roll < 0.7) out.push(negativeCase(r));
    else if (roll < 0.82) out.push(jsonCase(r, false));
    else if (roll < 0.88) out.push(jsonCase(r, true));
    else if (roll < 0.9) out.push(logCase(r));
    else if (roll < 0.92) out.push(headersCase(r));
    else out.push(promptCase(r));
  }
  return out;
}
