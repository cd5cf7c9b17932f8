import { describe, expect, it } from 'vitest';
import { ProtoReader } from './proto-reader.js';

/** Length-delimited fields (field 1) holding each string, one after another. */
function fields(values: string[]): Buffer {
  const parts: Buffer[] = [];
  for (const v of values) {
    const bytes = Buffer.from(v, 'utf8');
    if (bytes.length > 127) throw new Error('test strings stay under 128 bytes');
    parts.push(Buffer.from([0x0a, bytes.length]), bytes);
  }
  return Buffer.concat(parts);
}

function readAll(buf: Buffer): string[] {
  const r = new ProtoReader(buf);
  const out: string[] = [];
  while (!r.done) {
    r.tag();
    out.push(r.recurringString());
  }
  return out;
}

describe('ProtoReader.recurringString', () => {
  it('reads what string() reads, across more distinct strings than its cache holds', () => {
    // 20,000 keys over 4,096 slots: every slot is shared by several, each read twice.
    const keys = Array.from({ length: 20_000 }, (_, i) => `gen_ai.attr.${i.toString(36)}`);
    const values = [...keys, ...keys.slice().reverse()];
    expect(readAll(fields(values))).toEqual(values);
  });

  it('reads non-ASCII, empty and long strings as UTF-8, as string() does', () => {
    const values = ['modèle', '', 'x'.repeat(65), '日本語のキー', 'a', 'modèle', 'x'.repeat(64)];
    expect(readAll(fields(values))).toEqual(values);
  });

  it('tells apart strings whose slot is chosen from the same bytes', () => {
    // Same length and same bytes where the slot is sampled (first, last, middle, quarters):
    // only a full comparison separates them, and the UTF-8 one must not come back as Latin-1.
    const values = ['abcXYfghij', 'abcéfghij', 'abcXYfghij', 'aQcdefgh', 'abcdefgh', 'abcéfghij'];
    expect(Buffer.byteLength(values[1]!)).toBe(10);
    expect(readAll(fields(values))).toEqual(values);
  });
});
