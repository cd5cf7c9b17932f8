/**
 * How a walk goes through objects, arrays, Maps and Sets: copy on write. A plain object or array
 * in which nothing changed is returned as is (most telemetry holds no finding, and copying every
 * attribute map was a good part of redaction's cost); the first change copies what came before
 * it. Whatever today's output normalises is still copied: class instances, null-prototype
 * objects and Errors become plain objects, Maps and Sets new ones, sparse arrays dense, and
 * symbol keys or extra properties on arrays are left out.
 */

/** What a value becomes past maxNodes. */
export const SIZE_CUT = '[TRUNCATED:SIZE]';

/** What a value becomes if redaction itself fails on it: nothing leaks when we are wrong. */
export const FAILED = '[REDACTED:ERROR]';

/** Marks a property for removal (`drop` on a sensitive key). */
export const DROP = Symbol('drop');

/**
 * The values read so far of the objects and arrays being walked, still unchanged: a copy made
 * at the first change takes them from here rather than reading a getter twice. A stack shared by
 * the walks (each level restores it, so a getter that redacts re-entrantly is fine), cleared on
 * the way out so that it holds no caller's value after a call.
 */
const READ: unknown[] = [];
let readTop = 0;

export abstract class ObjectWalk {
  protected nodes = 0;
  protected editCount = 0;
  /** The objects on the current path (depth is capped, so a short array beats a Set). */
  private ancestors: object[] | undefined;

  constructor(protected readonly maxNodes: number) {}

  abstract value(v: unknown, depth: number): unknown;
  /** A property's new value, or DROP. */
  protected abstract property(key: string, v: unknown, depth: number): unknown;

  protected get exhausted(): boolean {
    return this.nodes >= this.maxNodes;
  }

  protected object(o: object, depth: number, maxDepth: number): unknown {
    if (depth >= maxDepth) {
      this.editCount++;
      return '[TRUNCATED:DEPTH]';
    }
    // Allocated on the first object only: most calls redact a single string.
    this.ancestors ??= [];
    if (this.ancestors.includes(o)) {
      this.editCount++;
      return '[CIRCULAR]';
    }
    this.ancestors.push(o);
    const base = readTop;
    try {
      return this.copy(o, depth);
    } catch {
      // Proxies and exotic objects can throw from any reflective operation: fail closed.
      this.editCount++;
      return FAILED;
    } finally {
      this.ancestors.pop();
      for (let i = base; i < readTop; i++) READ[i] = undefined;
      readTop = base;
    }
  }

  private copy(o: object, depth: number): unknown {
    const proto: unknown = Object.getPrototypeOf(o);
    if (proto === Object.prototype) return this.record(o, depth, undefined);
    if (proto === null) return this.record(o, depth, {});
    if (Array.isArray(o)) return this.array(o, depth, proto === Array.prototype);
    if (o instanceof Date || o instanceof RegExp || ArrayBuffer.isView(o)) return o;
    if (o instanceof ArrayBuffer) return o;
    if (o instanceof Map) {
      const out = new Map<unknown, unknown>();
      for (const [k, v] of o) {
        const r = typeof k === 'string' ? this.property(k, v, depth) : this.value(v, depth + 1);
        if (r !== DROP) out.set(k, r);
      }
      return out;
    }
    if (o instanceof Set) {
      const out = new Set<unknown>();
      for (const v of o) out.add(this.value(v, depth + 1));
      return out;
    }
    const out: Record<string, unknown> = {};
    if (o instanceof Error) {
      // name and message are not enumerable, but they are what carries the PII.
      out['name'] = read(o, 'name');
      out['message'] = this.value(read(o, 'message'), depth + 1);
    }
    // Class instances become plain objects of their own enumerable properties, as in JSON.
    return this.record(o, depth, out);
  }

  /** `out` is the copy to fill, or undefined to return `o` itself if nothing changes. */
  private record(o: object, depth: number, out: Record<string, unknown> | undefined): object {
    const keys = Object.keys(o);
    const base = readTop;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      if (this.exhausted) {
        this.editCount++;
        out ??= copyRead(keys, base, i);
        out[k === '__proto__' ? '_proto_' : k] = SIZE_CUT;
        return out;
      }
      const v = read(o, k);
      const r = this.property(k, v, depth);
      if (out === undefined) {
        // A getter that threw left `o` unreadable: '[UNREADABLE]' stands in for it in a copy.
        if (Object.is(r, v) && v !== UNREADABLE) {
          READ[readTop++] = v;
          continue;
        }
        out = copyRead(keys, base, i);
      }
      if (r !== DROP) setOwn(out, k, r);
    }
    if (out !== undefined) return out;
    // Symbol keys are left out of a copy: an object holding some is copied to keep that so.
    return Object.getOwnPropertySymbols(o).length === 0 ? o : copyRead(keys, base, keys.length);
  }

  /** `reuse` is false when the array must be copied anyway (a subclass). */
  private array(o: unknown[], depth: number, reuse: boolean): unknown[] {
    const base = readTop;
    let out: unknown[] | undefined = reuse ? undefined : [];
    for (let i = 0; i < o.length; i++) {
      // One marker ends an array cut by maxNodes, however long (or sparse) it claims to be.
      if (this.exhausted) {
        this.editCount++;
        out ??= READ.slice(base, base + i);
        out.push(SIZE_CUT);
        return out;
      }
      const v = read(o, i);
      const r = this.value(v, depth + 1);
      if (out === undefined) {
        // A hole reads as undefined, and the copy is dense: a hole is a change, as is a getter
        // that threw.
        const kept = v === undefined ? hasIndex(o, i) : v !== UNREADABLE;
        if (Object.is(r, v) && kept) {
          READ[readTop++] = v;
          continue;
        }
        out = READ.slice(base, base + i);
      }
      out.push(r);
    }
    if (out !== undefined) return out;
    // Named properties and symbols on an array are left out of a copy (a RegExp match's `index`).
    return Object.keys(o).length === o.length && Object.getOwnPropertySymbols(o).length === 0
      ? o
      : READ.slice(base, base + o.length);
  }
}

/** A plain object of `keys[0..count)` with the values read for them (READ from `base`). */
function copyRead(keys: string[], base: number, count: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < count; i++) setOwn(out, keys[i]!, READ[base + i]);
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
