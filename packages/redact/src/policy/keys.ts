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

/**
 * The last three letters of `s[from, to)`, normalised like keys (lower case, separators skipped),
 * hashed to 15 bits: an index into a tail table, so the pre-check is one array load.
 */
export function keyTail(s: string, from: number, to: number): number {
  let tail = 0;
  let n = 0;
  for (let i = to - 1; i >= from && n < 3; i--) {
    let c = s.charCodeAt(i);
    if (c === 45 || c === 95 || c === 46 || c === 32) continue;
    if (c >= 65 && c <= 90) c += 32;
    tail = (tail * 37 + c) & 0x7fff;
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
 * The key set for one policy. Besides exact matches, a key whose normalised form ends with a
 * sensitive word made of at least 5 letters (`db_password`, `github_token`, `x-api-key`) matches, so
 * users do not need to list every prefix; short words (`pin`, `sid`) must match exactly.
 */
export class SensitiveKeys {
  private readonly exact: Set<string>;
  private readonly suffixes: string[];
  private readonly cache = new Map<string, boolean>();
  private readonly tails: Uint8Array;

  constructor(extra: readonly string[] = []) {
    this.exact = new Set([...DEFAULT_SENSITIVE_KEYS, ...extra.map(normalizeKey)]);
    this.suffixes = [...this.exact].filter((k) => k.length >= 5);
    this.tails = tailTable(this.exact);
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
