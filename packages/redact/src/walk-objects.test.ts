import { describe, expect, it } from 'vitest';
import { createRedactor } from './index.js';

const r = createRedactor({ hashKey: 'walk-objects-key-0123456789' });
const plain = { plainData: true };

describe('copy on write for plain data', () => {
  it('returns the input itself, nested objects and arrays included, when nothing changed', () => {
    const input = {
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.usage.input_tokens': 100,
      ratio: Number.NaN,
      reasons: ['stop'],
      args: '{"q":"weather in Paris"}',
      nested: { list: [1, { ok: true }], none: null },
    };
    const out = r.redact(input, plain);
    expect(out.value).toBe(input);
    expect(out.findings).toEqual({});
    // Without the caller's word that it is plain data, a copy.
    const copied = r.redact(input).value;
    expect(copied).not.toBe(input);
    expect(copied.nested).not.toBe(input.nested);
    expect(copied).toStrictEqual(input);
  });

  it('copies only the path to a change, keeping key order and sharing clean siblings', () => {
    const clean = { a: ['x', 'y'] };
    const input = {
      first: 'one',
      clean,
      deep: { before: [1, 2], mail: 'write to jane@example.com', after: { z: 1 } },
      last: 'two',
    };
    const snapshot = structuredClone(input);
    const out = r.redact(input, plain).value;
    expect(out).toEqual({
      first: 'one',
      clean: { a: ['x', 'y'] },
      deep: { before: [1, 2], mail: 'write to [REDACTED:EMAIL]', after: { z: 1 } },
      last: 'two',
    });
    expect(Object.keys(out)).toEqual(['first', 'clean', 'deep', 'last']);
    expect(Object.keys(out.deep)).toEqual(['before', 'mail', 'after']);
    expect(out).not.toBe(input);
    expect(out.deep).not.toBe(input.deep);
    expect(out.clean).toBe(clean);
    expect(out.deep.before).toBe(input.deep.before);
    expect(out.deep.after).toBe(input.deep.after);
    expect(input).toEqual(snapshot);
  });

  it('copies an array from its first changed element and leaves the input array alone', () => {
    const input = ['a', 'b', 'c@example.com', { k: 1 }];
    const out = r.redact(input, plain).value;
    expect(out).toEqual(['a', 'b', '[REDACTED:EMAIL]', { k: 1 }]);
    expect(out[3]).toBe(input[3]);
    expect(input[2]).toBe('c@example.com');
  });

  it('drops a sensitive key from a copy, the keys before it kept', () => {
    const dropping = createRedactor({ actions: { SENSITIVE_KEY: 'drop' } });
    const input = { a: 1, password: 'hunter2', b: 2 };
    const out = dropping.redact(input, plain).value;
    expect(out).toEqual({ a: 1, b: 2 });
    expect(input.password).toBe('hunter2');
  });

  it('reads a getter once when not told the value is plain data', () => {
    let reads = 0;
    const input = Object.defineProperty({ mail: '' } as Record<string, unknown>, 'lazy', {
      enumerable: true,
      get: () => (++reads === 1 ? 'clean' : 'leak@example.com'),
    });
    input['after'] = 'to b@example.com';
    const out = r.redact(input).value;
    expect(out).toEqual({ mail: '', lazy: 'clean', after: 'to [REDACTED:EMAIL]' });
    expect(reads).toBe(1);
  });
});

describe('values the walk normalises are still copied, plain data or not', () => {
  it.each([
    [
      'a class instance',
      () =>
        new (class Box {
          x = 'clean';
        })(),
      { x: 'clean' },
    ],
    [
      'a null-prototype object',
      () => Object.assign(Object.create(null) as object, { x: 1 }),
      { x: 1 },
    ],
    [
      'a sparse array',
      () => Object.assign(new Array<unknown>(3), { 0: 1, 2: 3 }),
      [1, undefined, 3],
    ],
    [
      'a holey array whose named property evens the key count',
      () => {
        const a: unknown[] = [1, 2];
        delete a[0];
        return Object.assign(a, { extra: 1 });
      },
      [undefined, 2],
    ],
    ['an array subclass', () => new (class List extends Array<unknown> {})(), []],
    ['an Error', () => new Error('clean'), { name: 'Error', message: 'clean' }],
    ['a Map', () => new Map([['k', 'v']]), new Map([['k', 'v']])],
    ['a Set', () => new Set(['v']), new Set(['v'])],
  ])('%s', (_name, make, expected) => {
    for (const opts of [plain, {}]) {
      const input = make();
      const out = r.redact(input, opts).value;
      expect(out).not.toBe(input);
      expect(out).toStrictEqual(expected);
      expect(r.redact({ wrapped: input }, opts).value).toStrictEqual({ wrapped: expected });
    }
  });

  it('leaves out symbol keys and named properties of arrays unless told it is plain data', () => {
    const input = { x: 1, [Symbol.for('s')]: 2, list: Object.assign(['a'], { index: 0 }) };
    expect(r.redact(input).value).toStrictEqual({ x: 1, list: ['a'] });
  });

  it('replaces a getter that throws, in an object or an array', () => {
    const throwing = {
      enumerable: true,
      get: (): never => {
        throw new Error('no');
      },
    };
    const obj = Object.defineProperty({ a: 1 }, 'boom', throwing);
    const arr = Object.defineProperty(['x', 'y'], 1, throwing);
    for (const opts of [plain, {}]) {
      expect(r.redact(obj, opts).value).toEqual({ a: 1, boom: '[UNREADABLE]' });
      expect(r.redact(arr, opts).value).toEqual(['x', '[UNREADABLE]']);
    }
  });

  it('cuts at maxNodes and maxDepth in a copy, the input untouched', () => {
    const small = createRedactor({ maxNodes: 3, maxDepth: 2 });
    const input = { a: 'x', b: 'y', c: 'z', d: 'w' };
    for (const opts of [plain, {}]) {
      expect(small.redact(input, opts).value).toEqual({ a: 'x', b: 'y', c: '[TRUNCATED:SIZE]' });
      const deep = small.redact({ a: { b: { c: 1 } } }, opts).value;
      expect(deep).toEqual({ a: { b: '[TRUNCATED:DEPTH]' } });
      expect(small.redact(['x', 'y', 'z', 'w'], opts).value).toEqual([
        'x',
        'y',
        '[TRUNCATED:SIZE]',
      ]);
    }
    expect(input).toEqual({ a: 'x', b: 'y', c: 'z', d: 'w' });
  });
});
