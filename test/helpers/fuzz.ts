/**
 * Deterministic fuzzing tools: a seeded PRNG, and mutators for protobuf wire bytes (over a parsed
 * field tree, so duplicated or removed fields keep their parents' lengths right unless a mutation
 * lies about a length on purpose) and for JSON (over the parsed value, then as text).
 */

/** mulberry32: tiny, fast, and the same sequence for the same seed on every machine. */
export class Rng {
  private state: number;
  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(maxExclusive: number): number {
    return Math.floor(this.next() * maxExclusive);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  bytes(n: number): Buffer {
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i++) out[i] = this.int(256);
    return out;
  }
}

// ---- protobuf ----

export function varint(n: number): Buffer {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return Buffer.from(out);
}

/** One field: `children` when its bytes parse as a message, else `raw` (scalar or string bytes). */
interface WireField {
  no: number;
  wt: number;
  raw: Buffer;
  children: WireField[] | null;
  /** A length to write instead of the true one. */
  lengthLie?: number;
}

function readVarint(buf: Buffer, pos: number): [number, number] | null {
  let result = 0;
  let mul = 1;
  for (let i = 0; i < 10 && pos < buf.length; i++) {
    const b = buf[pos++]!;
    result += (b & 0x7f) * mul;
    if (b < 0x80) return [result, pos];
    mul *= 128;
  }
  return null;
}

/** Parses a message strictly, or returns null: every byte must belong to a well-formed field. */
export function parseWire(buf: Buffer, depth = 0): WireField[] | null {
  const fields: WireField[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const tag = readVarint(buf, pos);
    if (!tag) return null;
    const [t, afterTag] = tag;
    const no = Math.floor(t / 8);
    const wt = t & 7;
    if (no === 0) return null;
    let end: number;
    let start = afterTag;
    if (wt === 0) {
      const v = readVarint(buf, afterTag);
      if (!v) return null;
      end = v[1];
    } else if (wt === 1) end = afterTag + 8;
    else if (wt === 5) end = afterTag + 4;
    else if (wt === 2) {
      const len = readVarint(buf, afterTag);
      if (!len) return null;
      start = len[1];
      end = start + len[0];
    } else return null;
    if (end > buf.length) return null;
    const raw = buf.subarray(start, end);
    const children = wt === 2 && raw.length > 0 && depth < 64 ? parseWire(raw, depth + 1) : null;
    fields.push({ no, wt, raw, children });
    pos = end;
  }
  return fields;
}

export function serializeWire(fields: WireField[]): Buffer {
  const parts: Buffer[] = [];
  for (const f of fields) {
    parts.push(varint(f.no * 8 + f.wt));
    const body = f.children ? serializeWire(f.children) : f.raw;
    if (f.wt === 2) parts.push(varint(f.lengthLie ?? body.length));
    parts.push(body);
  }
  return Buffer.concat(parts);
}

/** Every field of the tree, with the list that holds it. */
function allFields(fields: WireField[], out: Array<[WireField[], number]> = []) {
  fields.forEach((f, i) => {
    out.push([fields, i]);
    if (f.children) allFields(f.children, out);
  });
  return out;
}

const clone = (f: WireField): WireField => ({
  ...f,
  children: f.children ? f.children.map(clone) : null,
});

/** The most bytes one `duplicate-many` adds. */
const COPIES_BYTES = 2 * 1024 * 1024;

const HUGE_LENGTHS = [2 ** 31 - 1, 2 ** 32, 2 ** 32 + 5, 2 ** 53 - 1, 2 ** 63, 1e20];
const HUGE_VARINTS = [
  Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]),
  Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), // 11 bytes
  Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80]), // never ends
  varint(2 ** 53 + 1),
  varint(300),
  varint(128),
];

/**
 * An AnyValue nested `levels` arrays deep (array_value = field 5, its values = field 1). Each
 * level only prefixes the bytes inside it, so the prefixes are computed inside out and the buffer
 * is assembled once (concatenating level by level is quadratic).
 */
export function deepAnyValue(levels: number): Buffer {
  const core = Buffer.from([0x0a, 0x01, 0x78]); // string_value "x"
  const prefixes: Buffer[] = [];
  let length = core.length;
  for (let i = 0; i < levels; i++) {
    const values = Buffer.concat([Buffer.from([0x0a]), varint(length)]);
    length += values.length;
    const array = Buffer.concat([Buffer.from([0x2a]), varint(length)]);
    length += array.length;
    prefixes.push(values, array);
  }
  return Buffer.concat([...prefixes.reverse(), core]);
}

export const PROTO_MUTATIONS = [
  'duplicate',
  'duplicate-many',
  'remove',
  'huge-length',
  'off-by-one-length',
  'wire-type',
  'field-number',
  'huge-varint',
  'deep-nesting',
  'random-payload',
] as const;

/** Applies one structural mutation to a parsed message; returns its name. */
export function mutateWire(rng: Rng, tree: WireField[]): string {
  const fields = allFields(tree);
  if (fields.length === 0) return 'none';
  const [list, i] = rng.pick(fields);
  const f = list[i]!;
  const kind = rng.pick(PROTO_MUTATIONS);
  switch (kind) {
    case 'duplicate':
      list.splice(i, 0, clone(f));
      break;
    case 'duplicate-many': {
      // Up to a thousand copies, but a few MiB at most: the server refuses larger bodies unread.
      const most = Math.floor(COPIES_BYTES / serializeWire([f]).length);
      list.splice(
        i,
        0,
        ...Array.from({ length: 1 + rng.int(Math.min(1000, most)) }, () => clone(f)),
      );
      break;
    }
    case 'remove':
      list.splice(i, 1);
      break;
    case 'huge-length':
      f.wt = 2;
      f.lengthLie = rng.pick(HUGE_LENGTHS);
      break;
    case 'off-by-one-length':
      if (f.wt === 2) f.lengthLie = Math.max(0, f.raw.length + rng.pick([-1, 1, 2]));
      break;
    case 'wire-type':
      f.wt = rng.int(8);
      break;
    case 'field-number':
      f.no = rng.pick([1, 2, 3, 5, 7, 9, 11, 15, 2 ** 29 - 1, 1 + rng.int(20)]);
      break;
    case 'huge-varint':
      f.wt = 0;
      f.children = null;
      f.raw = rng.pick(HUGE_VARINTS);
      break;
    case 'deep-nesting':
      f.wt = 2;
      f.children = null;
      f.raw = deepAnyValue(rng.pick([20, 33, 200, 5000, 20000]));
      break;
    case 'random-payload':
      f.children = null;
      f.raw = rng.bytes(rng.int(64));
      break;
  }
  return kind;
}

/** Byte-level damage: bit flips, truncation, inserted or deleted bytes. */
export function damageBytes(rng: Rng, input: Buffer): [Buffer, string] {
  const buf = Buffer.from(input);
  if (buf.length === 0) return [rng.bytes(8), 'random'];
  const kind = rng.pick(['bit-flips', 'truncate', 'insert', 'delete', 'overwrite'] as const);
  if (kind === 'bit-flips') {
    for (let n = 1 + rng.int(8); n > 0; n--) buf[rng.int(buf.length)]! ^= 1 << rng.int(8);
    return [buf, kind];
  }
  const at = rng.int(buf.length);
  if (kind === 'truncate') return [buf.subarray(0, at), kind];
  const head = buf.subarray(0, at);
  if (kind === 'insert')
    return [Buffer.concat([head, rng.bytes(1 + rng.int(16)), buf.subarray(at)]), kind];
  if (kind === 'delete') return [Buffer.concat([head, buf.subarray(at + 1 + rng.int(16))]), kind];
  rng.bytes(1 + rng.int(16)).copy(buf, at);
  return [buf, kind];
}
