/**
 * Just enough protobuf wire decoding for tests to read what the official OTLP proto exporters
 * send: fields by number, with nested messages decoded on demand. Not a general decoder.
 */
export type WireValue = bigint | Buffer;

export class Msg {
  private readonly fields = new Map<number, WireValue[]>();

  constructor(buf: Buffer) {
    let pos = 0;
    const varint = (): bigint => {
      let result = 0n;
      let shift = 0n;
      for (;;) {
        const byte = buf[pos++];
        if (byte === undefined) throw new Error('truncated varint');
        result |= BigInt(byte & 0x7f) << shift;
        if ((byte & 0x80) === 0) return result;
        shift += 7n;
      }
    };
    while (pos < buf.length) {
      const tag = Number(varint());
      const field = tag >>> 3;
      const wireType = tag & 7;
      let value: WireValue;
      if (wireType === 0) value = varint();
      else if (wireType === 1) {
        value = buf.subarray(pos, pos + 8);
        pos += 8;
      } else if (wireType === 2) {
        const len = Number(varint());
        value = buf.subarray(pos, pos + len);
        pos += len;
      } else if (wireType === 5) {
        value = buf.subarray(pos, pos + 4);
        pos += 4;
      } else throw new Error(`unsupported wire type ${wireType}`);
      const list = this.fields.get(field) ?? [];
      list.push(value);
      this.fields.set(field, list);
    }
  }

  all(field: number): WireValue[] {
    return this.fields.get(field) ?? [];
  }

  has(field: number): boolean {
    return this.fields.has(field);
  }

  msgs(field: number): Msg[] {
    return this.all(field).map((v) => new Msg(v as Buffer));
  }

  msg(field: number): Msg | undefined {
    return this.msgs(field)[0];
  }

  str(field: number): string | undefined {
    const v = this.all(field)[0];
    return v === undefined ? undefined : (v as Buffer).toString('utf8');
  }

  hex(field: number): string | undefined {
    const v = this.all(field)[0];
    return v === undefined || (v as Buffer).length === 0
      ? undefined
      : (v as Buffer).toString('hex');
  }

  int(field: number): number | undefined {
    const v = this.all(field)[0];
    if (v === undefined) return undefined;
    if (typeof v === 'bigint') return Number(BigInt.asIntN(64, v));
    return v.length === 8 ? Number(v.readBigInt64LE(0)) : v.readInt32LE(0);
  }

  double(field: number): number | undefined {
    const v = this.all(field)[0];
    return v === undefined ? undefined : (v as Buffer).readDoubleLE(0);
  }
}

export type AnyValue = string | number | boolean | null | AnyValue[] | { [k: string]: AnyValue };

/** common.proto AnyValue */
export function anyValue(m: Msg | undefined): AnyValue {
  if (m === undefined) return null;
  if (m.has(1)) return m.str(1) ?? '';
  if (m.has(2)) return m.int(2) === 1;
  if (m.has(3)) return m.int(3) ?? 0;
  if (m.has(4)) return m.double(4) ?? 0;
  if (m.has(5)) return (m.msg(5)?.msgs(1) ?? []).map(anyValue);
  if (m.has(6)) return keyValues(m.msg(6)?.msgs(1) ?? []);
  return null;
}

/** repeated common.proto KeyValue */
export function keyValues(list: Msg[]): Record<string, AnyValue> {
  const out: Record<string, AnyValue> = {};
  for (const kv of list) out[kv.str(1) ?? ''] = anyValue(kv.msg(2));
  return out;
}
