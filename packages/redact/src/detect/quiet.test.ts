import { describe, expect, it } from 'vitest';
import { Rng } from '../corpus/rng.js';
import { load, nextTrigger, TRIG } from './quiet.js';

/** The per-character scan the word test replaces. */
function reference(s: string, i: number): number {
  for (let p = i; p < s.length; p++) {
    const c = s.charCodeAt(p);
    if (c < 128 && TRIG[c] === 1) return p;
  }
  return s.length;
}

/** Mostly quiet text, with triggers, near-miss bytes and characters whose low byte is a trigger. */
function text(rng: Rng, n: number): string {
  const pool = [
    'abcdefghijklmnopqrstuvwxyz    ',
    '.,;<>?[]\\^)*/!"#$%&\'`{|}~\n\t',
    '0123456789@:=+(-_ABCDEFXYZ',
    '\u0141\u0130\u0230\u0160\u4e41\u00c0\u00ff\u0100\ud83d\ude00\u2028',
  ];
  let s = '';
  for (let k = 0; k < n; k++) {
    const roll = rng.next();
    const set = roll < 0.8 ? pool[0]! : roll < 0.88 ? pool[1]! : roll < 0.95 ? pool[3]! : pool[2]!;
    s += set[rng.int(0, set.length - 1)];
  }
  return s;
}

describe('skipping quiet text a word at a time', () => {
  it('stops at exactly the triggers a per-character scan stops at, from every offset', () => {
    const rng = new Rng(4_711);
    for (let round = 0; round < 300; round++) {
      const s = text(rng, rng.int(0, 700));
      const words = load(s);
      for (let i = 0; i <= s.length; i++) {
        const got = nextTrigger(s, i, s.length, words);
        if (got !== reference(s, i)) {
          expect({ s, i, got }).toEqual({ s, i, got: reference(s, i) });
        }
      }
    }
  });

  it('is not fooled by what an earlier, longer string left in the buffer', () => {
    const long = `${'A1@'.repeat(200)}`;
    load(long);
    const s = 'x'.repeat(301);
    expect(nextTrigger(s, 0, s.length, load(s))).toBe(s.length);
  });

  it('treats characters above U+00FF by their code, not their low byte', () => {
    // U+0141 and U+4E41 end in 0x41 ('A'); U+0130 in 0x30 ('0').
    const s = `${' '.repeat(300)}\u0141\u4e41\u0130${' '.repeat(40)}A`;
    expect(nextTrigger(s, 0, s.length, load(s))).toBe(s.length - 1);
  });
});
