import { describe, expect, it } from 'vitest';
import { Rng } from '../corpus/rng.js';
import { loadUnits, PAD } from './units.js';

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
