/** String helpers of the walker: JSON sniffing and truncation. */
import * as chars from './detect/chars.js';
import type { SensitiveKeys } from './policy/keys.js';

// A local binding: under tsx/vite-node an imported name is a getter call on every use.
const { codeAt } = chars;

/**
 * False when the key whose closing quote is at `e` cannot end like a sensitive key, decided from
 * its last three characters (separators skipped, as keyTail does) when they lie after its opening
 * quote: then they are its tail whatever its length, without the walk back to that quote.
 */
function mayEndSensitive(s: string, e: number, keys: SensitiveKeys): boolean {
  let tail = 0;
  let got = 0;
  for (let k = e - 1; k >= 0 && e - k <= 8; k--) {
    const c = s.charCodeAt(k);
    if (c === 45 || c === 95 || c === 46 || c === 32) continue;
    if (c === 34) return true;
    tail |= (c & 31) << (5 * got);
    if (++got === 3) return keys.tailMatches(tail);
  }
  return true;
}

/** True when some `"key":` in the JSON text names a sensitive key. */
export function hasSensitiveJsonKey(s: string, keys: SensitiveKeys): boolean {
  let i = s.indexOf(':');
  while (i !== -1) {
    let e = i - 1;
    while (e > 0 && s.charCodeAt(e) <= 32) e--;
    if (codeAt(s, e) === 34 && mayEndSensitive(s, e, keys)) {
      let b = e - 1;
      while (b >= 0 && e - b <= 64 && s.charCodeAt(b) !== 34) b--;
      if (
        b >= 0 &&
        codeAt(s, b) === 34 &&
        keys.mayEndSensitive(s, b + 1, e) &&
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
