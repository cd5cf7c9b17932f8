import type { Attributes, AttributeValue } from './types.js';

/**
 * `JSON.stringify(attributes)` written straight into a UTF-8 byte buffer, byte for byte the same
 * as the string Buffer.write would store, without making that string first: an ingest worker spent
 * about a sixth of its time serialising each span's attributes and copying the JSON into the span
 * columns' heap (docs/scaling.md). What is not an attribute value as the decoders make them (a
 * hole, a function, a class instance, nesting past 64) is refused, and the caller falls back to
 * JSON.stringify.
 */

/** Not enough room in `into`: grow it and write again. */
export const JSON_NO_ROOM = -1;
/** Not written here: serialise with JSON.stringify. */
export const JSON_NOT_EXACT = -2;

const NULL = [0x6e, 0x75, 0x6c, 0x6c];
const TRUE = [0x74, 0x72, 0x75, 0x65];
const FALSE = [0x66, 0x61, 0x6c, 0x73, 0x65];

/**
 * Each key as written (`"key":`, escaped by JSON.stringify itself), for the keys a worker sees
 * again and again; bounded in count and in each key's length, since keys are the sender's to
 * choose and the cache lives as long as the worker.
 */
const keyBytes = new Map<string, Uint8Array>();
const KEY_CACHE_MAX = 4096;
const CACHED_KEY_MAX_LENGTH = 128;
const encoder = new TextEncoder();

function keyOf(key: string): Uint8Array {
  let bytes = keyBytes.get(key);
  if (bytes === undefined) {
    // JSON.stringify escapes a lone surrogate, so the key's JSON is well-formed UTF-16.
    bytes = encoder.encode(`${JSON.stringify(key)}:`);
    if (keyBytes.size < KEY_CACHE_MAX && key.length <= CACHED_KEY_MAX_LENGTH)
      keyBytes.set(key, bytes);
  }
  return bytes;
}

/** Writes JSON into `into` from `at`, up to `end`: each method returns false when out of room. */
class JsonWriter {
  into: Uint8Array = new Uint8Array(0);
  at = 0;
  end = 0;

  bytes(b: ArrayLike<number>): boolean {
    const n = b.length;
    if (this.at + n > this.end) return false;
    for (let i = 0; i < n; i++) this.into[this.at + i] = b[i]!;
    this.at += n;
    return true;
  }

  byte(b: number): boolean {
    if (this.at >= this.end) return false;
    this.into[this.at++] = b;
    return true;
  }

  /** A string as JSON; false if out of room. */
  string(s: string): boolean {
    const n = s.length;
    // Quotes, and the characters themselves if all are printable ASCII with nothing to escape.
    if (this.at + n + 2 > this.end) return false;
    const into = this.into;
    let at = this.at;
    into[at++] = 0x22;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x20 || c >= 0x80 || c === 0x22 || c === 0x5c) return this.escaped(s);
      into[at++] = c;
    }
    into[at++] = 0x22;
    this.at = at;
    return true;
  }

  /**
   * The rare string that needs escaping or is not ASCII: JSON.stringify escapes it (lone
   * surrogates included, so what is left is well-formed UTF-16 and UTF-8 takes it as it is).
   */
  private escaped(s: string): boolean {
    const json = JSON.stringify(s);
    const { read, written } = encoder.encodeInto(json, this.into.subarray(this.at, this.end));
    if (read < json.length) return false;
    this.at += written;
    return true;
  }

  /** false: out of room; null: not exact here. */
  value(v: AttributeValue, depth: number): boolean | null {
    switch (typeof v) {
      case 'string':
        return this.string(v);
      case 'number':
        return Number.isFinite(v) ? this.ascii(String(v)) : this.bytes(NULL);
      case 'boolean':
        return this.bytes(v ? TRUE : FALSE);
      case 'object':
        if (v === null) return this.bytes(NULL);
        // The decoders bound nesting (DecodeBudget); this bounds it again for any other caller.
        if (depth > 64) return null;
        return Array.isArray(v) ? this.array(v, depth + 1) : this.object(v, depth + 1);
      default:
        return null;
    }
  }

  private ascii(s: string): boolean {
    const n = s.length;
    if (this.at + n > this.end) return false;
    for (let i = 0; i < n; i++) this.into[this.at + i] = s.charCodeAt(i);
    this.at += n;
    return true;
  }

  private array(a: AttributeValue[], depth: number): boolean | null {
    if (!this.byte(0x5b)) return false;
    for (let i = 0; i < a.length; i++) {
      if (i > 0 && !this.byte(0x2c)) return false;
      const ok = this.value(a[i]!, depth);
      if (ok !== true) return ok;
    }
    return this.byte(0x5d);
  }

  object(o: Attributes, depth: number): boolean | null {
    // Only a plain object's own keys are what JSON.stringify writes in this order.
    const proto = Object.getPrototypeOf(o);
    if (proto !== Object.prototype && proto !== null) return null;
    if (!this.byte(0x7b)) return false;
    let first = true;
    for (const key in o) {
      if (!first && !this.byte(0x2c)) return false;
      first = false;
      if (!this.bytes(keyOf(key))) return false;
      const ok = this.value(o[key]!, depth);
      if (ok !== true) return ok;
    }
    return this.byte(0x7d);
  }
}

const writer = new JsonWriter();

/**
 * Writes `JSON.stringify(attributes)` as UTF-8 into `into` from `at` (up to `end`): the bytes
 * written, JSON_NO_ROOM, or JSON_NOT_EXACT (then `into`'s bytes from `at` are unspecified).
 */
export function writeAttributesJson(
  attributes: Attributes,
  into: Uint8Array,
  at: number,
  end = into.length,
): number {
  writer.into = into;
  writer.at = at;
  writer.end = end;
  const ok = writer.object(attributes, 0);
  writer.into = EMPTY;
  if (ok === null) return JSON_NOT_EXACT;
  return ok ? writer.at - at : JSON_NO_ROOM;
}

const EMPTY = new Uint8Array(0);
