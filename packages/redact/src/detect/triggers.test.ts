import { describe, expect, it } from 'vitest';
import { Rng } from '../corpus/rng.js';
import { SensitiveKeys } from '../policy/keys.js';
import { hasSensitiveJsonKey } from '../text.js';
import type { Match } from './match.js';
import { detectAssignment } from './network.js';
import { mayBeAssignment } from './triggers.js';
import { loadUnits } from './units.js';

/** Keys as telemetry spells them: sensitive ones, look-alikes (`region` ends like `authorization`). */
const WORDS = [
  'password',
  'db_password',
  'api-key',
  'X-Api-Key',
  'token',
  'access_token',
  'sig',
  'region',
  'station',
  'status',
  'pin',
  'spin',
  'otp',
  'auth',
  'oauth',
  'cvv',
  'x_amz_signature',
  'contraseña',
  'kennwort',
  'a.b.c.d.e',
  'q',
  'pw',
  '',
];
const BEFORE = ['', ' ', '?', '&', '[', '"', '{"', ', "', 'x.', '__', '-'];
const AFTER = ['=', ':', '"=', '":', "':", '" :', '==', ': '];

function assignmentText(rng: Rng): string {
  let s = '';
  for (let k = rng.int(1, 4); k > 0; k--) {
    s += `${rng.pick(BEFORE)}${rng.pick(WORDS)}${rng.pick(AFTER)}${rng.pick(['hunter2', '"v"', '1', ''])}`;
  }
  return s;
}

describe('the first checks at a trigger', () => {
  it('refuse a key (mayBeAssignment) only where the assignment detector finds nothing', () => {
    const rng = new Rng(2_718);
    const policies = [new SensitiveKeys(), new SensitiveKeys(['kennwort', 'contraseña', 'region'])];
    let refused = 0;
    for (let round = 0; round < 3_000; round++) {
      const s = assignmentText(rng);
      const u = loadUnits(s);
      for (const keys of policies) {
        for (let i = 0; i < s.length; i++) {
          const c = s.charCodeAt(i);
          if (c !== 61 && c !== 58) continue;
          const floor = rng.int(0, i);
          const p = i > 0 ? s.charCodeAt(i - 1) : 0;
          const ke = p === 34 || p === 39 ? i - 1 : i;
          if (mayBeAssignment(u, floor, ke, c, keys)) continue;
          refused++;
          const out: Match[] = [];
          const end = detectAssignment(s, i, floor, keys, out);
          if (end !== -1) expect({ s, i, floor, end }).toEqual({ s, i, floor, end: -1 });
        }
      }
    }
    // The check must be doing something for the property to mean anything.
    expect(refused).toBeGreaterThan(1_000);
  });

  it('leave JSON key detection as the walk back to the opening quote decides it', () => {
    /** hasSensitiveJsonKey as it was before the tail pre-check: the reference. */
    function reference(s: string, keys: SensitiveKeys): boolean {
      for (let i = s.indexOf(':'); i !== -1; i = s.indexOf(':', i + 1)) {
        let e = i - 1;
        while (e > 0 && s.charCodeAt(e) <= 32) e--;
        if (s.charCodeAt(e) !== 34) continue;
        let b = e - 1;
        while (b >= 0 && e - b <= 64 && s.charCodeAt(b) !== 34) b--;
        if (b >= 0 && s.charCodeAt(b) === 34 && keys.has(s.slice(b + 1, e))) return true;
      }
      return false;
    }
    const rng = new Rng(1_618);
    const policies = [new SensitiveKeys(), new SensitiveKeys(['kennwort', 'contraseña', 'pw'])];
    let sensitive = 0;
    for (let round = 0; round < 5_000; round++) {
      let s = '{';
      for (let k = rng.int(1, 4); k > 0; k--) {
        s += `${rng.pick(['', ',', ' , '])}"${rng.pick(WORDS)}${rng.pick(['', '_', ' ', '-x'])}"${rng.pick(['', ' ', '\n'])}:${rng.pick(['1', '"v"', '{}'])}`;
      }
      s += '}';
      for (const keys of policies) {
        const want = reference(s, keys);
        if (want) sensitive++;
        if (hasSensitiveJsonKey(s, keys) !== want)
          expect({ s, got: !want }).toEqual({ s, got: want });
      }
    }
    expect(sensitive).toBeGreaterThan(1_000);
  });
});
