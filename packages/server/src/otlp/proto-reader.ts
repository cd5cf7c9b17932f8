import { MalformedOtlpError } from './errors.js';
import { MAX_UNIX_NANO } from './model.js';

/** Longest string `recurringString` caches, and its slots (a power of two). */
const RECURRING_MAX_BYTES = 64;
const RECURRING_SLOTS = 4096;
const recurring: Array<string | undefined> = new Array(RECURRING_SLOTS).fill(undefined);

/**
 * The Buffer methods behind `toString(encoding, start, end)`, called directly: the public wrapper
 * normalises its arguments and looks the encoding up on every call, which cost decoding more than
 * the copy for most of OTLP's strings (short ids, keys and values). Node has had them on every
 * Buffer since long before Node 20; without them, `toString`.
 */
interface BufferSlices {
  utf8Slice(start: number, end: number): string;
  latin1Slice(start: number, end: number): string;
  hexSlice(start: number, end: number): string;
}
const proto = Buffer.prototype as unknown as Partial<BufferSlices>;
const DIRECT_SLICES =
  typeof proto.utf8Slice === 'function' &&
  typeof proto.latin1Slice === 'function' &&
  typeof proto.hexSlice === 'function';
const utf8 = (b: Buffer, start: number, end: number): string =>
  DIRECT_SLICES
    ? (b as unknown as BufferSlices).utf8Slice(start, end)
    : b.toString('utf8', start, end);
const latin1 = (b: Buffer, start: number, end: number): string =>
  DIRECT_SLICES
    ? (b as unknown as BufferSlices).latin1Slice(start, end)
    : b.toString('latin1', start, end);
const hex = (b: Buffer, start: number, end: number): string =>
  DIRECT_SLICES
    ? (b as unknown as BufferSlices).hexSlice(start, end)
    : b.toString('hex', start, end);

/**
 * A minimal protobuf wire-format reader. OTLP decoding is the ingest hot path, so messages are
 * decoded by hand into our own types instead of through reflection, and 64-bit fields stay exact
 * (bigint) where timestamps need nanoseconds.
 */
export class ProtoReader {
  pos: number;
  /** Where the message being read ends: narrowed by `enter()` while a nested one is read. */
  end: number;
  /** The wire type of the field whose tag was read last (`tag()`). */
  wire = 0;
  constructor(
    readonly buf: Buffer,
    start = 0,
    end = buf.length,
    private view: DataView | null = null,
  ) {
    this.pos = start;
    this.end = end;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /**
   * Reads a field tag; returns the field number and leaves its wire type in `wire`. (It returned
   * both as an array: one allocation per field read, the decoder's most frequent one.)
   */
  tag(): number {
    const t = this.varint();
    const field = Math.floor(t / 8);
    if (field === 0)
      throw new MalformedOtlpError(`invalid protobuf field number 0 at byte ${this.pos}`);
    this.wire = t & 7;
    return field;
  }

  /** Varint as a JS number; exact up to 2^53, which covers every count OTLP carries. */
  varint(): number {
    let result = 0;
    let shift = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw this.truncated();
      const b = this.buf[this.pos++]!;
      result += (b & 0x7f) * shift;
      if (b < 0x80) return result;
      shift *= 128;
    }
    throw new MalformedOtlpError(`varint longer than 10 bytes at byte ${this.pos}`);
  }

  /**
   * Reads a nested message in place: narrows `end` to it and returns the enclosing end, which
   * `leave()` restores. The hot nested messages (key-values and their values) are read this way,
   * with the same bounds as a reader of their own (`sub()`) and without allocating one each.
   */
  enter(): number {
    const start = this.skipDelimited();
    const enclosing = this.end;
    this.end = this.pos;
    this.pos = start;
    return enclosing;
  }

  leave(enclosing: number): void {
    this.pos = this.end;
    this.end = enclosing;
  }

  /** Varint as a signed 64-bit integer (two's complement), e.g. AnyValue.int_value. */
  int64(): number {
    const start = this.pos;
    // Most values (token counts, sizes) fit in 7 bytes (49 bits): exact as a number, no BigInt.
    let small = 0;
    let scale = 1;
    for (let i = 0; i < 7 && this.pos < this.end; i++) {
      const b = this.buf[this.pos++]!;
      small += (b & 0x7f) * scale;
      if (b < 0x80) return small;
      scale *= 128;
    }
    this.pos = start;
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw this.truncated();
      const b = this.buf[this.pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return Number(BigInt.asIntN(64, result));
      shift += 7n;
    }
    throw new MalformedOtlpError(`varint longer than 10 bytes at byte ${start}`);
  }

  sint32(): number {
    const v = this.varint();
    return v % 2 === 0 ? v / 2 : -(v + 1) / 2;
  }

  fixed64(): bigint {
    if (this.pos + 8 > this.end) throw this.truncated();
    const v = this.dataView().getBigUint64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** A fixed64 timestamp in Unix nanoseconds, refused past the signed 64-bit range (year 2262). */
  timestamp(what: string): bigint {
    const v = this.fixed64();
    if (v > MAX_UNIX_NANO) {
      throw new MalformedOtlpError(`${what}: ${v} is past the year 2262 (not Unix nanoseconds)`);
    }
    return v;
  }

  sfixed64(): number {
    if (this.pos + 8 > this.end) throw this.truncated();
    const v = this.buf.readBigInt64LE(this.pos);
    this.pos += 8;
    return Number(v);
  }

  fixed32(): number {
    if (this.pos + 4 > this.end) throw this.truncated();
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  double(): number {
    if (this.pos + 8 > this.end) throw this.truncated();
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  /** Returns a reader over a length-delimited field and advances past it. */
  sub(): ProtoReader {
    const start = this.skipDelimited();
    return new ProtoReader(this.buf, start, this.pos, this.dataView());
  }

  /** One view of the body for every reader of it (`sub()` passes it on). */
  private dataView(): DataView {
    this.view ??= new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    return this.view;
  }

  /** Strings and ids are read in place: no reader made for each (as `sub()` makes). */
  string(): string {
    const start = this.skipDelimited();
    return utf8(this.buf, start, this.pos);
  }

  /**
   * A string that recurs from span to span (attribute keys, span names): short ASCII ones come
   * from a per-thread cache instead of a new string each, which V8 would also hash again to use
   * as a property key. Same value as `string()`.
   */
  recurringString(): string {
    const start = this.skipDelimited();
    const end = this.pos;
    const len = end - start;
    if (len > RECURRING_MAX_BYTES) return utf8(this.buf, start, end);
    if (len === 0) return '';
    const buf = this.buf;
    // The slot from the length and five sampled bytes, not every byte: a hit is confirmed byte by
    // byte below anyway, and the cache only holds ASCII, so a confirmed hit is ASCII too (hashing
    // every byte first walked each recurring string twice). Two strings that sample alike take
    // turns in a slot: slower, never wrong.
    let h = Math.imul(len, 0x9e3779b1) ^ buf[start]!;
    h = Math.imul(h ^ buf[end - 1]!, 0x01000193);
    h = Math.imul(h ^ buf[start + (len >> 1)]!, 0x01000193);
    h = Math.imul(h ^ buf[start + (len >> 2)]!, 0x01000193);
    h = Math.imul(h ^ buf[start + ((len * 3) >> 2)]!, 0x01000193);
    const slot = (h ^ (h >>> 15)) & (RECURRING_SLOTS - 1);
    const cached = recurring[slot];
    if (cached !== undefined && cached.length === len) {
      let i = 0;
      while (i < len && cached.charCodeAt(i) === buf[start + i]) i++;
      if (i === len) return cached;
    }
    for (let i = start; i < end; i++) if (buf[i]! >= 0x80) return utf8(buf, start, end);
    // A miss replaces the slot: the cache stays this size whatever a request holds.
    const value = latin1(buf, start, end);
    recurring[slot] = value;
    return value;
  }

  hex(): string {
    const start = this.skipDelimited();
    return hex(this.buf, start, this.pos);
  }

  bytesBase64(): string {
    const start = this.skipDelimited();
    return this.buf.toString('base64', start, this.pos);
  }

  /** Advances past a length-delimited field; returns where its bytes start (they end at `pos`). */
  private skipDelimited(): number {
    const len = this.varint();
    const start = this.pos;
    if (start + len > this.end) throw this.truncated();
    this.pos = start + len;
    return start;
  }

  /** Packed or unpacked repeated fixed64/double: calls `each` per element. */
  repeated8(wireType: number, each: (r: ProtoReader) => void): void {
    if (wireType === 2) {
      const r = this.sub();
      while (!r.done) each(r);
    } else if (wireType === 1) {
      each(this);
    } else {
      throw new MalformedOtlpError(`unexpected wire type ${wireType} for a repeated 64-bit field`);
    }
  }

  skip(wireType: number): void {
    switch (wireType) {
      case 0:
        this.varint();
        return;
      case 1:
        this.advance(8);
        return;
      case 2:
        this.skipDelimited();
        return;
      case 5:
        this.advance(4);
        return;
      default:
        throw new MalformedOtlpError(
          `unsupported protobuf wire type ${wireType} at byte ${this.pos}`,
        );
    }
  }

  expect(wireType: number, expected: number, field: string): void {
    if (wireType !== expected) {
      throw new MalformedOtlpError(
        `field ${field} has wire type ${wireType}, expected ${expected}`,
      );
    }
  }

  private advance(n: number): void {
    if (this.pos + n > this.end) throw this.truncated();
    this.pos += n;
  }

  private truncated(): MalformedOtlpError {
    return new MalformedOtlpError(`protobuf body is truncated at byte ${this.pos}`);
  }
}
