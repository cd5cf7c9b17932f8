import { describe, expect, it } from 'vitest';
import { JSON_NO_ROOM, JSON_NOT_EXACT, writeAttributesJson } from './json-utf8.js';
import type { Attributes, AttributeValue } from './types.js';

/** A small seeded generator (mulberry32): the same cases every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  'gen_ai.request.model',
  'a',
  '',
  '"',
  '\\',
  '\n',
  '\t',
  '\u0000',
  '\u001f',
  '\u007f',
  'é',
  '日本',
  '😀',
  '\ud83d',
  '\ude00',
  '\u2028',
  '</script>',
  '0',
  '17',
  '__proto__',
  'tenant.id',
];
const NUMBERS = [
  0,
  -0,
  1,
  -1,
  42,
  2 ** 53,
  1.5,
  -3.25e-7,
  1e21,
  1e-7,
  Number.NaN,
  Infinity,
  -Infinity,
];

function text(next: () => number): string {
  let s = '';
  const parts = Math.floor(next() * 4);
  for (let i = 0; i < parts; i++) s += PIECES[Math.floor(next() * PIECES.length)];
  return s;
}

function value(next: () => number, depth: number): AttributeValue {
  const pick = Math.floor(next() * (depth > 2 ? 4 : 6));
  if (pick === 0) return text(next);
  if (pick === 1) return NUMBERS[Math.floor(next() * NUMBERS.length)]!;
  if (pick === 2) return next() < 0.5;
  if (pick === 3) return null;
  if (pick === 4)
    return Array.from({ length: Math.floor(next() * 4) }, () => value(next, depth + 1));
  return object(next, depth + 1);
}

function object(next: () => number, depth: number): Attributes {
  const o: Attributes = {};
  const keys = Math.floor(next() * 8);
  for (let i = 0; i < keys; i++) {
    // As the decoders store a key: an own property, `__proto__` included.
    Object.defineProperty(o, text(next), {
      value: value(next, depth),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return o;
}

function written(attrs: Attributes, room = 1 << 16): Buffer | number {
  const into = Buffer.alloc(room + 8, 0xaa);
  const n = writeAttributesJson(attrs, into, 8, 8 + room);
  return n < 0 ? n : into.subarray(8, 8 + n);
}

describe('attributes written as JSON bytes', () => {
  it('are byte for byte the UTF-8 of JSON.stringify, for attributes of every shape', () => {
    const next = random(22);
    for (let i = 0; i < 5_000; i++) {
      const attrs = object(next, 0);
      expect(written(attrs)).toEqual(Buffer.from(JSON.stringify(attrs), 'utf8'));
    }
  });

  it('say when the room is short, and fit exactly in as many bytes as JSON.stringify makes', () => {
    const attrs: Attributes = { 'gen_ai.prompt': 'héllo "world"\n', n: [1, 2.5, null, true] };
    const expected = Buffer.from(JSON.stringify(attrs), 'utf8');
    for (let room = 0; room < expected.length; room++)
      expect(written(attrs, room)).toBe(JSON_NO_ROOM);
    expect(written(attrs, expected.length)).toEqual(expected);
  });

  it('leave to JSON.stringify what the decoders never make', () => {
    const hole = [1, 2, 3] as unknown as AttributeValue[];
    delete hole[1];
    class Point {
      x = 1;
    }
    const cases: unknown[] = [
      { a: hole },
      { a: undefined },
      { a: () => 1 },
      { a: new Point() },
      { a: 10n },
    ];
    for (const attrs of cases) expect(written(attrs as Attributes)).toBe(JSON_NOT_EXACT);
    let deep: AttributeValue = 'x';
    for (let i = 0; i < 80; i++) deep = [deep];
    expect(written({ deep })).toBe(JSON_NOT_EXACT);
  });
});
