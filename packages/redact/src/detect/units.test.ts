import { describe, expect, it } from 'vitest';
import { Rng } from '../corpus/rng.js';
import { KIND, TRIG } from './quiet.js';
import { loadUnits, nextTriggerIn, PAD } from './units.js';

/** Text of any UTF-16 units: ASCII, Latin-1, BMP letters, pairs and lone surrogates. */
function text(rng: Rng, n: number): string {
  const pool = [
    'a',
    'Z',
    '7',
    '@',
    ' ',
    '\u00e9',
    '\u0141',
    '\u4e41',
    '\ud83d\ude00',
    '\ud800',
    '\udfff',
  ];
  let s = '';
  while (s.length < n) s += pool[rng.int(0, pool.length - 1)];
  return s;
}

describe('the scanner reading a typed-array copy of the string', () => {
  it('holds exactly the string units, then zeros, whatever string was loaded before', () => {
    const rng = new Rng(2_026);
    for (let round = 0; round < 400; round++) {
      // Long then short strings: nothing of the longer one may show after the shorter's end.
      const s = text(rng, round % 2 === 0 ? rng.int(0, 600) : rng.int(0, 40));
      const u = loadUnits(s);
      for (let i = 0; i < s.length; i++) {
        if (u[i] !== s.charCodeAt(i))
          expect({ s, i, unit: u[i] }).toEqual({ s, i, unit: s.charCodeAt(i) });
      }
      for (let k = 0; k < PAD; k++) expect(u[s.length + k]).toBe(0);
    }
  });

  it('gives strings longer than the shared buffer a copy of their own', () => {
    const s = `${'x'.repeat(200_000)}\ud800`;
    const u = loadUnits(s);
    expect(u.length).toBeGreaterThanOrEqual(s.length + PAD);
    expect(u[s.length - 1]).toBe(0xd800);
    expect(u[s.length]).toBe(0);
  });
});

describe('skipping quiet text two units at a time', () => {
  /** The per-unit scan the pair test replaces: the first unit at or after i that KIND marks. */
  function reference(s: string, i: number): number {
    for (let p = i; p < s.length; p++) {
      const c = s.charCodeAt(p);
      if (KIND[c] !== 0 && c !== 0) return p;
    }
    return s.length;
  }

  /** Mostly quiet text with triggers, in-range non-triggers and units near the lane limits. */
  function quietText(rng: Rng, n: number): string {
    const pool = [
      'abcdefghijklmnopqrstuvwxyz    ',
      '.,;<>?[]\\^)*/!"#$%&\'`{|}~\n\t',
      '0123456789@:=+(-_ABCDEFXYZ',
      '\u0141\u0130\u4e41\u00c0\u8028\u805f\uffff\ud800\udfff\u0128\u015f\u7f28',
    ];
    let s = '';
    for (let k = 0; k < n; k++) {
      const roll = rng.next();
      const set =
        roll < 0.8 ? pool[0]! : roll < 0.88 ? pool[1]! : roll < 0.95 ? pool[3]! : pool[2]!;
      s += set[rng.int(0, set.length - 1)];
    }
    return s;
  }

  it('marks exactly the units the word skip of long text stops at', () => {
    for (let c = 1; c < 128; c++) expect(KIND[c] !== 0).toBe(TRIG[c] === 1);
    for (let c = 128; c < 65536; c++) if (KIND[c] !== 0) expect(c).toBe(-1);
  });

  it('stops at exactly the triggers a per-unit scan stops at, from every offset', () => {
    const rng = new Rng(8_128);
    for (let round = 0; round < 300; round++) {
      // Long then short strings: what a longer string left in the buffer must not show.
      const s = quietText(rng, round % 2 === 0 ? rng.int(0, 400) : rng.int(0, 40));
      const u = loadUnits(s);
      for (let i = 0; i <= s.length; i++) {
        const got = nextTriggerIn(u, i, s.length);
        if (got !== reference(s, i)) {
          expect({ s, i, got }).toEqual({ s, i, got: reference(s, i) });
        }
      }
    }
  });

  it('does the same on a string with a copy of its own, and past a NUL inside the text', () => {
    const s = `${'x'.repeat(200_000)}\u0000${'y'.repeat(9)}_z`;
    const u = loadUnits(s);
    expect(nextTriggerIn(u, 0, s.length)).toBe(200_000);
    expect(nextTriggerIn(u, 200_001, s.length)).toBe(s.length - 2);
  });
});
