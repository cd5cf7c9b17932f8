/**
 * How a walk goes through objects, arrays, Maps and Sets. Class instances, null-prototype objects
 * and Errors become plain objects of their own enumerable string keys, Maps and Sets new ones,
 * arrays dense arrays of their elements.
 *
 * For plain data (`plainData`: what JSON.parse or an OTLP decoder builds) the walk copies on
 * write: a plain object or array in which nothing changed is returned as is (most telemetry holds
 * no finding, and copying every attribute map was most of the walk's own cost), and the first
 * change copies the values before it. Only for plain data, because proving an arbitrary object
 * has no symbol key or getter (which a copy leaves out or reads once) costs more than the copy
 * (Object.getOwnPropertySymbols alone: +15% a span's attribute map, bench/redact).
 */

/** What a value becomes past maxNodes. */
export const SIZE_CUT = '[TRUNCATED:SIZE]';

/** What a value becomes if redaction itself fails on it: nothing leaks when we are wrong. */
export const FAILED = '[REDACTED:ERROR]';

/** Marks a property for removal (`drop` on a sensitive key). */
export const DROP = Symbol('drop');

/** What the functions below need of a walk (walk.ts Walker). */
export interface ObjectWalker {
  /** Values visited so far, against maxNodes. */
  nodes: number;
  /** Changes that are no finding (cuts, markers), so that a JSON string knows it changed. */
  editCount: number;
  /** The objects on the current path (depth is capped, so a short array beats a Set). */
  ancestors: object[] | undefined;
  readonly maxNodes: number;
  readonly maxDepth: number;
  /** Copy on write (see above): the caller vouches that the value is plain data. */
  readonly plainData: boolean;
  value(v: unknown, depth: number): unknown;
  /** A property's new value, or DROP. */
  property(key: string, v: unknown, depth: number): unknown;
}

/** Plain functions over the walker rather than a base class: a derived walker costs ~10 ns to construct, per call. */
export function walkObject(w: ObjectWalker, o: object, depth: number): unknown {
  if (depth >= w.maxDepth) {
    w.editCount++;
    return '[TRUNCATED:DEPTH]';
  }
  // Allocated on the first object only: most calls redact a single string.
  w.ancestors ??= [];
  const ancestors = w.ancestors;
  if (ancestors.includes(o)) {
    w.editCount++;
    return '[CIRCULAR]';
  }
  ancestors.push(o);
  try {
    return copy(w, o, depth);
  } catch {
    // Proxies and exotic objects can throw from any reflective operation: fail closed.
    w.editCount++;
    return FAILED;
  } finally {
    ancestors.pop();
  }
}

function exhausted(w: ObjectWalker): boolean {
  return w.nodes >= w.maxNodes;
}

function copy(w: ObjectWalker, o: object, depth: number): unknown {
  const proto: unknown = Object.getPrototypeOf(o);
  if (proto === Object.prototype) {
    return w.plainData ? shared(w, o, depth) : fill(w, o, Object.keys(o), 0, depth, {});
  }
  if (proto === null) return fill(w, o, Object.keys(o), 0, depth, {});
  if (Array.isArray(o)) {
    return w.plainData && proto === Array.prototype
      ? sharedArray(w, o, depth)
      : elements(w, o, 0, depth, []);
  }
  if (o instanceof Date || o instanceof RegExp || ArrayBuffer.isView(o)) return o;
  if (o instanceof ArrayBuffer) return o;
  if (o instanceof Map) {
    const out = new Map<unknown, unknown>();
    for (const [k, v] of o) {
      const r = typeof k === 'string' ? w.property(k, v, depth) : w.value(v, depth + 1);
      if (r !== DROP) out.set(k, r);
    }
    return out;
  }
  if (o instanceof Set) {
    const out = new Set<unknown>();
    for (const v of o) out.add(w.value(v, depth + 1));
    return out;
  }
  const out: Record<string, unknown> = {};
  if (o instanceof Error) {
    // name and message are not enumerable, but they are what carries the PII.
    out['name'] = read(o, 'name');
    out['message'] = w.value(read(o, 'message'), depth + 1);
  }
  // Class instances become plain objects of their own enumerable properties, as in JSON.
  return fill(w, o, Object.keys(o), 0, depth, out);
}

/** Plain data: `o` itself if nothing in it changes, else a copy from the first change on. */
function shared(w: ObjectWalker, o: object, depth: number): object {
  const keys = Object.keys(o);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    if (exhausted(w)) return fill(w, o, keys, i, depth, copyBefore(o, keys, i));
    const v = read(o, k);
    const r = w.property(k, v, depth);
    // A getter that threw left `o` unreadable: '[UNREADABLE]' stands in for it in a copy.
    if (Object.is(r, v) && v !== UNREADABLE) continue;
    const out = copyBefore(o, keys, i);
    if (r !== DROP) setOwn(out, k, r);
    return fill(w, o, keys, i + 1, depth, out);
  }
  return o;
}

/** Fills `out` with `o`'s properties from `keys[from]` on. */
function fill(
  w: ObjectWalker,
  o: object,
  keys: string[],
  from: number,
  depth: number,
  out: Record<string, unknown>,
): Record<string, unknown> {
  for (let i = from; i < keys.length; i++) {
    const k = keys[i]!;
    if (exhausted(w)) {
      w.editCount++;
      out[k === '__proto__' ? '_proto_' : k] = SIZE_CUT;
      break;
    }
    const r = w.property(k, read(o, k), depth);
    if (r !== DROP) setOwn(out, k, r);
  }
  return out;
}

/** Plain data: `o` itself if no element changes, else a copy from the first change on. */
function sharedArray(w: ObjectWalker, o: unknown[], depth: number): unknown[] {
  for (let i = 0; i < o.length; i++) {
    if (exhausted(w)) return elements(w, o, i, depth, elementsBefore(o, i));
    const v = read(o, i);
    const r = w.value(v, depth + 1);
    // A hole reads as undefined and a copy is dense: a hole is a change, as is a getter that
    // threw (neither is in plain data, yet a copy is what the caller would get otherwise).
    const kept = v === undefined ? hasIndex(o, i) : v !== UNREADABLE;
    if (Object.is(r, v) && kept) continue;
    const out = elementsBefore(o, i);
    out.push(r);
    return elements(w, o, i + 1, depth, out);
  }
  return o;
}

/** Appends `o`'s elements from `from` on to `out`. */
function elements(
  w: ObjectWalker,
  o: unknown[],
  from: number,
  depth: number,
  out: unknown[],
): unknown[] {
  for (let i = from; i < o.length; i++) {
    // One marker ends an array cut by maxNodes, however long (or sparse) it claims to be.
    if (exhausted(w)) {
      w.editCount++;
      out.push(SIZE_CUT);
      break;
    }
    out.push(w.value(read(o, i), depth + 1));
  }
  return out;
}

/** A plain object of `o`'s first `count` keys: unchanged, so read again (plain data). */
function copyBefore(o: object, keys: string[], count: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < count; i++) setOwn(out, keys[i]!, read(o, keys[i]!));
  return out;
}

/** The first `count` elements of `o`, read again (unchanged: plain data). */
function elementsBefore(o: unknown[], count: number): unknown[] {
  const out: unknown[] = [];
  for (let i = 0; i < count; i++) out.push(read(o, i));
  return out;
}

/** `out[k] = v`, except that a `__proto__` key becomes an own property, not a prototype. */
function setOwn(out: Record<string, unknown>, k: string, v: unknown): void {
  if (k === '__proto__') {
    Object.defineProperty(out, k, {
      value: v,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    out[k] = v;
  }
}

function hasIndex(o: unknown[], i: number): boolean {
  try {
    return i in o;
  } catch {
    return false;
  }
}

const UNREADABLE = '[UNREADABLE]';

/** Getters and proxies can throw; a value we cannot read is replaced, never propagated. */
export function read(o: object, k: string | number): unknown {
  try {
    return (o as Record<string | number, unknown>)[k];
  } catch {
    return UNREADABLE;
  }
}

export function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return UNREADABLE;
  }
}
