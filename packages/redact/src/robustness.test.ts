import { describe, expect, it } from 'vitest';
import { Rng } from './corpus/rng.js';
import { createRedactor } from './index.js';

const r = createRedactor({ hashKey: 'robustness-key-0123456789' });

/** Random strings biased towards the characters that trigger detectors. */
function noise(rng: Rng, len: number): string {
  const alphabet = '0123456789 -.+()@:/=?&_"\'{}[],\\abcdefxyzABCDEFGHIJKLMNOPQRSTUVWXYZ\n\t';
  let s = '';
  for (let i = 0; i < len; i++) {
    const roll = rng.next();
    if (roll < 0.02) s += String.fromCharCode(0xd800 + rng.int(0, 0x7ff));
    else if (roll < 0.04)
      s += rng.pick(['sk-', 'ghp_', 'eyJ', 'AKIA', '-----BEGIN ', 'Bearer ', '::']);
    else if (roll < 0.05) s += String.fromCharCode(rng.int(0x80, 0xffff));
    else s += alphabet[rng.int(0, alphabet.length - 1)];
  }
  return s;
}

describe('never throws', () => {
  it('handles 3000 random trigger-heavy strings, deterministically', () => {
    const rng = new Rng(99);
    for (let i = 0; i < 3000; i++) {
      const s = noise(rng, rng.int(0, 400));
      const a = r.redactString(s);
      const b = r.redactString(s);
      expect(typeof a.value).toBe('string');
      expect(b).toEqual(a);
    }
  });

  it('handles cycles, getters that throw, proxies, odd prototypes and exotic values', () => {
    const cyclic: Record<string, unknown> = { email: 'a@example.com' };
    cyclic['self'] = cyclic;
    const throwing = Object.defineProperty({}, 'boom', {
      enumerable: true,
      get() {
        throw new Error('no');
      },
    });
    const hostile = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('no keys');
        },
      },
    );
    const nullProto = Object.assign(Object.create(null) as object, { password: 'x' });
    class Custom {
      contact = 'b@example.com';
    }
    const input = {
      cyclic,
      throwing,
      hostile,
      nullProto,
      custom: new Custom(),
      when: new Date(0),
      bytes: new Uint8Array([1, 2]),
      big: 10n,
      sym: Symbol('s'),
      fn: () => 1,
      map: new Map([['token', 'x']]),
      set: new Set(['c@example.com']),
      err: new Error('failed for d@example.com'),
      json: JSON.parse('{"__proto__": {"password": "x"}}'),
    };
    const res = r.redact(input);
    const v = res.value as Record<string, unknown>;
    expect((v['cyclic'] as Record<string, unknown>)['self']).toBe('[CIRCULAR]');
    expect(v['throwing']).toEqual({ boom: '[UNREADABLE]' });
    expect(v['hostile']).toBe('[REDACTED:ERROR]');
    expect(v['nullProto']).toEqual({ password: '[REDACTED:SENSITIVE_KEY]' });
    expect(v['custom']).toEqual({ contact: '[REDACTED:EMAIL]' });
    expect(v['map']).toEqual(new Map([['token', '[REDACTED:SENSITIVE_KEY]']]));
    expect(v['set']).toEqual(new Set(['[REDACTED:EMAIL]']));
    expect(v['err']).toEqual({ name: 'Error', message: 'failed for [REDACTED:EMAIL]' });
    expect(Object.getPrototypeOf(v['json'])).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(v['json'], '__proto__')?.value).toEqual({
      password: '[REDACTED:SENSITIVE_KEY]',
    });
  });

  it('handles a megabyte string and a megabyte of digits within the configured length', () => {
    const big = createRedactor({
      hashKey: 'robustness-key-0123456789',
      maxStringLength: 2_000_000,
    });
    const text = 'mail a@example.com '.repeat(55_000);
    const res = big.redactString(text);
    expect(res.findings['EMAIL']).toBe(55_000);
    const digits = big.redactString('1'.repeat(1_000_000));
    expect(digits.value.length).toBe(1_000_000);
  });

  it('handles deeply nested arrays without overflowing the stack', () => {
    let deep: unknown = 'a@example.com';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(() => r.redact(deep)).not.toThrow();
  });

  it('returns non-string input to redactString as a string', () => {
    expect(r.redactString(42 as unknown as string).value).toBe('42');
  });

  it('is idempotent: redacting redacted output changes nothing and counts nothing', () => {
    const hashing = createRedactor({ hashKey: 'robustness-key-0123456789', defaultAction: 'hash' });
    const masking = createRedactor({ hashKey: 'robustness-key-0123456789', defaultAction: 'mask' });
    for (const red of [r, hashing, masking]) {
      const once = red.redact({
        text: 'a@example.com, +1 415 555 0132, password=hunter2, card 4111 1111 1111 1111',
        token: 'x',
      }).value;
      const twice = red.redact(once);
      expect(twice.value).toEqual(once);
      expect(twice.findings).toEqual({});
    }
  });
});
