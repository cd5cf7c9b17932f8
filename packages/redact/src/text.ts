/** String helpers of the walker: JSON sniffing and truncation. */
import * as chars from './detect/chars.js';
import * as unitsModule from './detect/units.js';
import type { SensitiveKeys } from './policy/keys.js';
import * as keysModule from './policy/keys.js';

// Local bindings: under tsx/vite-node an imported name is a getter call on every use.
const { codeAt } = chars;
const { keyTailOf } = keysModule;
const { loadUnits } = unitsModule;

/**
 * False when the key whose closing quote is at `e` cannot end like a sensitive key, decided from
 * its last three characters (separators skipped, as keyTail does) when they lie after its opening
 * quote: then they are its tail whatever its length, without the walk back to that quote.
 */
function mayEndSensitive(u: Uint16Array, e: number, keys: SensitiveKeys): boolean {
  let tail = 0;
  let got = 0;
  for (let k = e - 1; k >= 0 && e - k <= 8; k--) {
    const c = u[k]!;
    if (c === 45 || c === 95 || c === 46 || c === 32) continue;
    if (c === 34) return true;
    tail |= (c & 31) << (5 * got);
    if (++got === 3) return keys.tailMatches(tail);
  }
  return true;
}

/**
 * True when some `"key":` in the JSON text names a sensitive key. `u` holds the units of `s`
 * (units.ts; the scan's copy when the caller has one), read instead of the string: on the
 * strings attributes arrive as, a typed-array read costs a third of a `charCodeAt`.
 */
export function hasSensitiveJsonKey(
  s: string,
  keys: SensitiveKeys,
  u: Uint16Array = loadUnits(s),
): boolean {
  let i = s.indexOf(':');
  while (i !== -1) {
    let e = i - 1;
    while (e > 0 && u[e]! <= 32) e--;
    if (e >= 0 && u[e] === 34 && mayEndSensitive(u, e, keys)) {
      let b = e - 1;
      while (b >= 0 && e - b <= 64 && u[b] !== 34) b--;
      if (
        b >= 0 &&
        u[b] === 34 &&
        keys.tailMatches(keyTailOf(u, b + 1, e)) &&
        keys.mayHave(s, b + 1, e) &&
        keys.has(s.slice(b + 1, e))
      ) {
        return true;
      }
    }
    i = s.indexOf(':', i + 1);
  }
  return false;
}

export function looksLikeJson(s: string): boolean {
  const n = s.length;
  if (n === 0) return false;
  // Most strings start with neither a bracket nor white space: one read decides them.
  const c0 = s.charCodeAt(0);
  if (c0 > 32 && c0 !== 123 && c0 !== 91) return false;
  let a = 0;
  while (a < n && s.charCodeAt(a) <= 32) a++;
  let b = n - 1;
  while (b > a && s.charCodeAt(b) <= 32) b--;
  const first = codeAt(s, a);
  const last = codeAt(s, b);
  return (first === 123 && last === 125) || (first === 91 && last === 93);
}

/** Cuts at `max` UTF-16 units without splitting a surrogate pair, and says how long it was. */
export function truncate(s: string, max: number, originalLength: number): string {
  let end = Math.min(max, s.length);
  const c = codeAt(s, end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end--;
  return `${s.slice(0, end)}…[TRUNCATED:${originalLength}]`;
}
