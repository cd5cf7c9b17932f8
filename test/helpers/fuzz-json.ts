import { damageBytes, type Rng } from './fuzz.js';

/**
 * Mutators for OTLP/JSON bodies: edits on the parsed value (wrong types, missing keys, arrays where
 * objects belong, unicode, huge numbers, deep nesting, snake_case twins, `__proto__` keys), then
 * sometimes text damage on top.
 */

type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };
type Container = JsonValue[] | { [k: string]: JsonValue };

/** Numbers JSON.stringify cannot write: put in as placeholders, swapped in as raw text. */
const RAW_NUMBERS = [
  '1e999',
  '-1e999',
  '123456789012345678901234567890',
  '18446744073709551616',
  '9223372036854775808',
  '-0',
  '1.7976931348623157e308',
  '5e-324',
  '0.1e1',
];
/** A placeholder string for raw text (a number, or nesting too deep to build as a value). */
const RAW = '\u0001raw:';

const WEIRD: JsonValue[] = [
  0,
  -1,
  1.5,
  2 ** 53 + 2,
  127,
  128,
  255,
  -129,
  1e21,
  '',
  'abc',
  '-5',
  '1e400',
  'NaN',
  'Infinity',
  '18446744073709551615',
  '9223372036854775808',
  '0x10',
  'zz',
  'deadbeef',
  true,
  false,
  null,
  [],
  {},
  [1, 'a'],
  { a: 1 },
  { stringValue: 1 },
  { arrayValue: 'x' },
  { kvlistValue: { values: [{ key: 1 }] } },
];

const UNICODE = [
  '\ud800',
  '\udfff\ud800',
  '\u0000',
  '\u202e\u202dRTL',
  '🦄'.repeat(50),
  'e\u0301',
  '\uffff\ufffe',
  '\\',
  '"',
  'x'.repeat(70_000),
];

/** As text: values this deep overflow the stack of JSON.stringify (this helper's, not the server's). */
function deepAnyValueJson(levels: number): string {
  return `${'{"arrayValue":{"values":['.repeat(levels)}{"stringValue":"x"}${']}}'.repeat(levels)}`;
}

const deepArrays = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;

const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

function allSlots(v: JsonValue, out: Array<[Container, string | number]> = []) {
  if (Array.isArray(v)) {
    v.forEach((x, i) => {
      out.push([v, i]);
      allSlots(x, out);
    });
  } else if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      out.push([v, k]);
      allSlots(x, out);
    }
  }
  return out;
}

function read(c: Container, k: string | number): JsonValue {
  return Array.isArray(c) ? c[k as number]! : c[k as string]!;
}

function write(c: Container, k: string | number, v: JsonValue): void {
  if (Array.isArray(c)) c[k as number] = v;
  else c[k as string] = v;
}

export const JSON_MUTATIONS = [
  'wrong-type',
  'remove',
  'array-for-object',
  'object-for-array',
  'unicode',
  'huge-number',
  'deep-nesting',
  'duplicate-many',
  'snake-twin',
  'proto-key',
] as const;

/** One edit of the parsed body, in place; raw text goes in `raws`, its placeholder in the body. */
function mutateValue(rng: Rng, root: JsonValue, raws: string[]): string {
  const raw = (text: string) => `${RAW}${raws.push(text) - 1}`;
  const slots = allSlots(root);
  if (slots.length === 0) return 'none';
  const [c, k] = rng.pick(slots);
  const v = read(c, k);
  const kind = rng.pick(JSON_MUTATIONS);
  switch (kind) {
    case 'wrong-type':
      write(c, k, structuredClone(rng.pick(WEIRD)));
      break;
    case 'remove':
      if (Array.isArray(c)) c.splice(k as number, 1);
      else delete c[k as string];
      break;
    case 'array-for-object':
      write(c, k, [v]);
      break;
    case 'object-for-array':
      write(c, k, Array.isArray(v) ? { ...v } : { value: v });
      break;
    case 'unicode':
      if (!Array.isArray(c) && rng.int(2) === 0) {
        delete c[k as string];
        c[rng.pick(UNICODE)] = v;
      } else write(c, k, rng.pick(UNICODE));
      break;
    case 'huge-number':
      write(c, k, raw(rng.pick(RAW_NUMBERS)));
      break;
    case 'deep-nesting':
      write(
        c,
        k,
        raw(rng.int(2) ? deepAnyValueJson(rng.pick([20, 33, 40, 2000])) : deepArrays(3000)),
      );
      break;
    case 'duplicate-many':
      if (Array.isArray(c)) {
        // A few MiB at most (raw text counted whole): the server refuses larger bodies unread.
        const size = JSON.stringify(v).length + raws.reduce((n, r) => n + r.length, 0);
        const most = Math.floor((2 * 1024 * 1024) / size);
        c.splice(k as number, 0, ...Array.from({ length: rng.int(Math.min(5000, most)) }, () => v));
      }
      break;
    case 'snake-twin':
      if (!Array.isArray(c) && typeof k === 'string')
        c[snake(k)] = structuredClone(rng.pick(WEIRD));
      break;
    case 'proto-key':
      // An own `__proto__` key, as JSON.parse makes one: an attribute named so, with a key-value
      // list, with no value (null), or as a key of any object.
      if (Array.isArray(c)) {
        const kv = { kvlistValue: { values: [{ key: 'tenant.id', value: { stringValue: 'B' } }] } };
        c.push(rng.int(2) ? { key: '__proto__', value: kv } : { key: '__proto__' });
      } else {
        Object.defineProperty(c, '__proto__', {
          value: { 'tenant.id': 'B' },
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      break;
  }
  return kind;
}

function stringify(root: JsonValue, raws: string[]): string {
  return JSON.stringify(root).replace(/"\\u0001raw:(\d+)"/g, (_, i: string) => raws[Number(i)]!);
}

/** A mutated copy of a valid OTLP/JSON body and the names of what was done to it. */
export function mutateJson(rng: Rng, valid: Buffer): [Buffer, string] {
  const root = JSON.parse(valid.toString('utf8')) as JsonValue;
  const done: string[] = [];
  const raws: string[] = [];
  for (let n = 1 + rng.int(3); n > 0; n--) done.push(mutateValue(rng, root, raws));
  let out: Buffer = Buffer.from(stringify(root, raws), 'utf8');
  if (rng.int(4) === 0) {
    const [damaged, how] = damageBytes(rng, out);
    out = damaged;
    done.push(how);
  }
  return [out, done.join('+')];
}

/** Random JSON-looking text: tokens of the grammar in no particular order. */
export function randomJsonText(rng: Rng): Buffer {
  const tokens = ['{', '}', '[', ']', ',', ':', '"resourceSpans"', '"x"', '1', '-', 'null', ' '];
  const parts: string[] = [];
  for (let n = rng.int(200); n > 0; n--) parts.push(rng.pick(tokens));
  return Buffer.from(parts.join(''));
}
