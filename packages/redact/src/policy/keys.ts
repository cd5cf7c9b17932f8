/**
 * Key-based detection: a value under a key like `password` or `X-Api-Key` is sensitive whatever it
 * looks like. Keys are compared after normalisation so `API-Key`, `apiKey` and `x_api_key` agree.
 */

/** Built-in sensitive keys, in normalised form (lower case, no separators). */
export const DEFAULT_SENSITIVE_KEYS: readonly string[] = [
  'password',
  'passwd',
  'pwd',
  'pass',
  'passphrase',
  'secret',
  'clientsecret',
  'secretkey',
  'token',
  'accesstoken',
  'refreshtoken',
  'idtoken',
  'authtoken',
  'sessiontoken',
  'csrftoken',
  'xsrftoken',
  'apikey',
  'xapikey',
  'apitoken',
  'privatekey',
  'authorization',
  'proxyauthorization',
  'auth',
  'cookie',
  'setcookie',
  'credentials',
  'credential',
  'awssecretaccesskey',
  'secretaccesskey',
  'connectionstring',
  'dsn',
  'otp',
  'pin',
  'cvv',
  'cvc',
  'signature',
];

/** Lower-cases and removes `-`, `_`, `.` and spaces, so header, snake and camel spellings agree. */
export function normalizeKey(key: string): string {
  let out = '';
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c === 45 || c === 95 || c === 46 || c === 32) continue;
    out += c >= 65 && c <= 90 ? String.fromCharCode(c + 32) : key[i];
  }
  return out;
}

/** ASCII letters and digits: characters normalizeKey keeps as they are (up to case). */
const ALNUM_KEY = new Uint8Array(128);
for (let c = 48; c <= 57; c++) ALNUM_KEY[c] = 1;
for (let c = 65; c <= 90; c++) ALNUM_KEY[c] = 1;
for (let c = 97; c <= 122; c++) ALNUM_KEY[c] = 1;

/**
 * The last three characters of `s[from, to)`, normalised like keys (separators skipped), packed
 * five bits each (`c & 31` folds case) into 15 bits: an index into a tail table, so the pre-check
 * is one array load, and distinct letter tails never share an index.
 */
export function keyTail(s: string, from: number, to: number): number {
  // Most keys end in three letters or digits: no separator to skip.
  if (to - 3 >= from) {
    const c1 = s.charCodeAt(to - 1);
    const c2 = s.charCodeAt(to - 2);
    const c3 = s.charCodeAt(to - 3);
    if (
      c1 < 128 &&
      c2 < 128 &&
      c3 < 128 &&
      (ALNUM_KEY[c1]! & ALNUM_KEY[c2]! & ALNUM_KEY[c3]!) !== 0
    ) {
      return (c1 & 31) | ((c2 & 31) << 5) | ((c3 & 31) << 10);
    }
  }
  let tail = 0;
  let n = 0;
  for (let i = to - 1; i >= from && n < 3; i--) {
    const c = s.charCodeAt(i);
    if (c === 45 || c === 95 || c === 46 || c === 32) continue;
    tail |= (c & 31) << (5 * n);
    n++;
  }
  return tail;
}

/** keyTail over a string's units in a typed array (the scanner's copy, detect/units.ts). */
export function keyTailOf(u: Uint16Array, from: number, to: number): number {
  if (to - 3 >= from) {
    const c1 = u[to - 1]!;
    const c2 = u[to - 2]!;
    const c3 = u[to - 3]!;
    if (
      c1 < 128 &&
      c2 < 128 &&
      c3 < 128 &&
      (ALNUM_KEY[c1]! & ALNUM_KEY[c2]! & ALNUM_KEY[c3]!) !== 0
    ) {
      return (c1 & 31) | ((c2 & 31) << 5) | ((c3 & 31) << 10);
    }
  }
  let tail = 0;
  let n = 0;
  for (let i = to - 1; i >= from && n < 3; i--) {
    const c = u[i]!;
    if (c === 45 || c === 95 || c === 46 || c === 32) continue;
    tail |= (c & 31) << (5 * n);
    n++;
  }
  return tail;
}

/** A table of key tails: `table[keyTail(key)] === 1` for every key of the list. */
export function tailTable(keys: Iterable<string>): Uint8Array {
  const table = new Uint8Array(0x8000);
  for (const k of keys) table[keyTail(k, 0, k.length)] = 1;
  return table;
}

/**
 * The last five characters of `s[from, to)` (fewer in a shorter key), normalised like keys and
 * hashed to 16 bits. A key matches only by equality or by a suffix of at least five characters,
 * so a key whose signature is in no key's table cannot match: a cheaper test than slicing it.
 */
export function keySignature(s: string, from: number, to: number): number {
  let sig = 0;
  let n = 0;
  for (let i = to - 1; i >= from && n < 5; i--) {
    const c = s.charCodeAt(i);
    if (c === 45 || c === 95 || c === 46 || c === 32) continue;
    sig = sig * 33 + (c & 31) + 1;
    n++;
  }
  return (sig ^ (sig >>> 16)) & 0xffff;
}

/**
 * keySignature of the key ending at `to`, read from the scanner's unit copy, when its last five
 * characters are known without finding where it starts: five letters or digits (separators `-`
 * `_` `.` skipped) after `floor` and before any character that ends a key. Else -1.
 */
export function keySignatureOf(u: Uint16Array, floor: number, to: number): number {
  let sig = 0;
  let n = 0;
  for (let i = to - 1; i >= floor && to - i < 16; i--) {
    const c = u[i]!;
    if (c === 45 || c === 95 || c === 46) continue;
    if (!(c < 128 && ALNUM_KEY[c] === 1)) return -1;
    sig = sig * 33 + (c & 31) + 1;
    if (++n === 5) return (sig ^ (sig >>> 16)) & 0xffff;
  }
  return -1;
}

/** A table of key signatures: `table[keySignature(key)] === 1` for every key of the list. */
export function signatureTable(keys: Iterable<string>): Uint8Array {
  const table = new Uint8Array(0x10000);
  for (const k of keys) table[keySignature(k, 0, k.length)] = 1;
  return table;
}

/**
 * The key set for one policy. Besides exact matches, a key whose normalised form ends with a
 * sensitive word made of at least 5 letters (`db_password`, `github_token`, `x-api-key`) matches, so
 * users do not need to list every prefix; short words (`pin`, `sid`) must match exactly.
 */
export class SensitiveKeys {
  private readonly exact: Set<string>;
  private readonly suffixes: string[];
  private readonly cache = new Map<string, boolean>();
  private readonly tails: Uint8Array;
  private readonly signatures: Uint8Array;

  constructor(extra: readonly string[] = []) {
    this.exact = new Set([...DEFAULT_SENSITIVE_KEYS, ...extra.map(normalizeKey)]);
    this.suffixes = [...this.exact].filter((k) => k.length >= 5);
    this.tails = tailTable(this.exact);
    this.signatures = signatureTable(this.exact);
  }

  /**
   * Cheap pre-check on `s[from, to)`: can this key end like a sensitive one? Compares its last
   * three letters (lower case, separators skipped) with those of every sensitive key.
   */
  mayEndSensitive(s: string, from: number, to: number): boolean {
    return this.tails[keyTail(s, from, to)] === 1;
  }

  /** The same pre-check for a tail already computed with keyTail. */
  tailMatches(tail: number): boolean {
    return this.tails[tail] === 1;
  }

  /** Cheap pre-check of `has(s.slice(from, to))`: false means it is false. */
  mayHave(s: string, from: number, to: number): boolean {
    return this.signatures[keySignature(s, from, to)] === 1;
  }

  /** The same pre-check for a signature already computed with keySignature. */
  signatureMatches(sig: number): boolean {
    return this.signatures[sig] === 1;
  }

  /** True only when the normalised key is itself in the list (no suffix match). */
  hasExact(key: string): boolean {
    return this.exact.has(normalizeKey(key));
  }

  has(key: string): boolean {
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    const norm = normalizeKey(key);
    let result = this.exact.has(norm);
    if (!result) {
      for (const s of this.suffixes) {
        if (norm.length > s.length && norm.endsWith(s)) {
          result = true;
          break;
        }
      }
    }
    // Keys repeat a lot in telemetry; bound the cache so hostile input cannot grow it forever.
    if (this.cache.size < 4096) this.cache.set(key, result);
    return result;
  }
}
