import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeOnClickHouse } from '../../../../../test/helpers/chdb.js';
import { span, spanId, T0_NS, traceId } from '../contract/fixtures.js';
import type { SpanRow, WriteBatch } from '../types.js';
import { openClickHouseStorage } from './index.js';
import {
  encodeSpanLines,
  type SpanLines,
  selectSpanLines,
  validateLineKeys,
  validateSpanLines,
  withTenants,
} from './span-lines.js';
import { spanFields } from './tsv.js';

type ChStorage = Awaited<ReturnType<typeof openClickHouseStorage>>;

const HARD = 'tab\there, nl\n, cr\r, nul\0, back\\slash, \\N, é, 日本語, 🙂, lone \ud800';

function row(tenantId: string, k: number, p: Partial<SpanRow> = {}): SpanRow {
  return span({
    tenantId,
    traceId: traceId(7000 + Math.floor(k / 2)),
    spanId: spanId(7000 + k),
    name: k % 3 === 0 ? HARD : `span ${k}`,
    startTimeUnixNano: T0_NS + BigInt(k) * 1_000_001n,
    attributes: k % 2 === 0 ? { prompt: HARD, n: k } : { n: k },
    ...p,
  });
}

/** A worker's lines for `rows`, each tenant a partition, as the event loop completes them. */
function linesOf(rows: SpanRow[]): SpanLines {
  const tenants: Array<[string, number, number]> = [];
  rows.forEach((r, i) => {
    const last = tenants.at(-1);
    if (last && last[0] === r.tenantId) last[2] = i + 1;
    else tenants.push([r.tenantId, i, i + 1]);
  });
  return withTenants(structuredClone(encodeSpanLines(rows)), tenants);
}

const lineBytes = (l: SpanLines, i: number) =>
  Buffer.from(l.bytes.subarray(i === 0 ? 0 : l.ends[i - 1], l.ends[i]));
const utf8 = (text: string) => Buffer.from(text, 'utf8');

describe('span lines', () => {
  it("are spanFields' lines, byte for byte, with non-ASCII text in them", () => {
    const rows = [0, 1, 2, 3, 4].map((k) => row('a', k));
    const lines = linesOf(rows);
    expect(validateSpanLines(lines)).toBeNull();
    expect(Buffer.from(lines.bytes)).toEqual(utf8(rows.map((r) => `${spanFields(r)}\n`).join('')));
    rows.forEach((r, i) => {
      expect(lineBytes(lines, i)).toEqual(utf8(`${spanFields(r)}\n`));
    });
    expect([...lines.startNs]).toEqual(rows.map((r) => r.startTimeUnixNano));
    expect(lines.traceIds).toEqual(rows.map((r) => r.traceId));
    expect(lines.tenantIds).toEqual(rows.map(() => 'a'));
  });

  it('select only the kept lines, with their keys', () => {
    const rows = [0, 1, 2, 3].map((k) => row(k < 2 ? 'a' : 'b', k));
    const picked = selectSpanLines(linesOf(rows), Uint8Array.from([0, 1, 1, 0]));
    expect(validateSpanLines(picked)).toBeNull();
    expect([lineBytes(picked, 0), lineBytes(picked, 1)]).toEqual(
      [rows[1]!, rows[2]!].map((r) => utf8(`${spanFields(r)}\n`)),
    );
    expect(picked.tenantIds).toEqual(['a', 'b']);
    expect(picked.spanIds).toEqual([rows[1]!.spanId, rows[2]!.spanId]);
  });

  it('are refused when their ends, keys or line breaks do not add up', () => {
    const good = encodeSpanLines([0, 1].map((k) => row('a', k)));
    const broken = (p: Partial<Record<keyof typeof good, unknown>>) =>
      validateSpanLines({ ...good, ...p });
    expect(broken({})).toBeNull();
    expect(broken({ ends: Uint32Array.from([good.ends[0]! - 1, good.ends[1]!]) })).toMatch(
      /malformed/,
    );
    expect(broken({ ends: Uint32Array.from([good.ends[1]!, good.ends[0]!]) })).toMatch(/malformed/);
    expect(broken({ bytes: good.bytes.subarray(0, good.ends[0]!) })).toMatch(/malformed/);
    expect(broken({ spanIds: ['x'] })).toMatch(/spanIds/);
    expect(broken({ traceIds: [1, 2] })).toMatch(/traceIds/);
    expect(broken({ startNs: new BigInt64Array(3) })).toMatch(/startNs/);
    expect(broken({ rows: 3 })).not.toBeNull();
  });
});

describeOnClickHouse('ClickHouse inserts of span lines', (target) => {
  let lines: ChStorage;
  let rows: ChStorage;
  beforeAll(async () => {
    lines = await openClickHouseStorage(target().options('lines'));
    rows = await openClickHouseStorage(target().options('lines_rows'));
    await lines.migrate();
    await rows.migrate();
  });
  afterAll(async () => {
    await lines?.close();
    await rows?.close();
  });

  const empty = (): WriteBatch => ({ spans: [], logs: [], metrics: [] });
  const stored = (s: ChStorage, db: string) =>
    s.ch.query(`SELECT * FROM ${db}.spans ORDER BY tenant_id, trace_id, span_id`);

  it('store what the same spans as rows store, and skip resends as rows do', async () => {
    const all = [0, 1, 2, 3, 4, 5].map((k) => row(k < 3 ? 'a' : 'b', k));
    const first = all.slice(0, 4);
    // Two requests' lines and a row in one batch, the second request resending one of the first.
    const one = await lines.write({
      ...empty(),
      spans: [all[4]!],
      spanLines: [linesOf(first.slice(0, 2)), linesOf(first.slice(1))],
    });
    expect(one).toMatchObject({ spansWritten: 5, spansDuplicate: 1 });
    expect(await rows.write({ ...empty(), spans: [all[4]!, ...first] })).toMatchObject({
      spansWritten: 5,
    });
    // A resend of stored spans beside new ones: only the new are written.
    const two = await lines.write({ ...empty(), spanLines: [linesOf(all)] });
    expect(two).toMatchObject({ spansWritten: 1, spansDuplicate: 5 });
    await rows.write({ ...empty(), spans: [all[5]!] });
    const viaLines = await stored(lines, 'lines');
    expect(viaLines).toHaveLength(6);
    expect(viaLines).toEqual(await stored(rows, 'lines_rows'));
    // Read back as the rows' copy reads (a lone surrogate in a name is stored as U+FFFD by both).
    const trace = await lines.traceSpans({ tenantId: 'a' }, all[0]!.traceId);
    expect(trace.map((s) => s.spanId)).toEqual([all[0]!.spanId, all[1]!.spanId]);
    expect(trace).toEqual(await rows.traceSpans({ tenantId: 'a' }, all[0]!.traceId));
  });

  it('go in beside spans adopted from the park by a claim in the same batch', async () => {
    const trace = traceId(7100);
    const child = row('', 100, { traceId: trace, parentSpanId: spanId(7101) });
    expect(await lines.write({ ...empty(), pendingSpans: [child] })).toMatchObject({
      spansParked: 1,
    });
    const root = row('c', 101, { traceId: trace });
    const result = await lines.write({
      ...empty(),
      spanLines: [linesOf([root])],
      traceClaims: [{ traceId: trace, tenantId: 'c', fromRoot: true }],
    });
    expect(result).toMatchObject({ spansWritten: 2, spansDuplicate: 0 });
    expect(await lines.traceSpans({ tenantId: 'c' }, trace)).toEqual([
      { ...child, tenantId: 'c' },
      root,
    ]);
  });
});

describe('span lines checked against their partitions', () => {
  const rows = [row('acme', 0), row('acme', 1), row('tab\\ten', 2, { traceId: 'tr\u00e9ace' })];
  const lines = encodeSpanLines(rows);

  it("accept lines that begin with their partition's tenant and their own ids", () => {
    expect(
      validateLineKeys(lines, [
        ['tab\\ten', 2, 3],
        ['acme', 0, 2],
      ]),
    ).toBeNull();
  });

  it("refuse a line stored under another tenant than its partition's", () => {
    expect(validateLineKeys(lines, [['acme', 0, 3]])).toMatch(/line 2 is not its partition/);
    expect(
      validateLineKeys(lines, [
        ['beta', 0, 2],
        ['tab\\ten', 2, 3],
      ]),
    ).toMatch(/line 0/);
  });

  it('refuse partitions that overlap, leave a gap, or keys that are not the lines', () => {
    expect(
      validateLineKeys(lines, [
        ['acme', 0, 2],
        ['acme', 1, 3],
      ]),
    ).toMatch(/one after another/);
    expect(validateLineKeys(lines, [['acme', 0, 2]])).toMatch(/outside every partition/);
    const swapped = {
      ...lines,
      spanIds: [lines.spanIds[1]!, lines.spanIds[0]!, lines.spanIds[2]!],
    };
    expect(
      validateLineKeys(swapped, [
        ['acme', 0, 2],
        ['tab\\ten', 2, 3],
      ]),
    ).toMatch(/line 0 does not hold its span id/);
  });
});
