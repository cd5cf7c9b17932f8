import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnClickHouse } from '../../../../../test/helpers/chdb.js';
import { span, spanId, T0_NS, traceId } from '../contract/fixtures.js';
import type { SpanRow } from '../types.js';
import { openClickHouseStorage } from './index.js';
import { spanToRow } from './rows.js';
import { tsvString } from './tsv.js';

type ChStorage = Awaited<ReturnType<typeof openClickHouseStorage>>;

/** Every character TSV escapes, JSON escapes, or a naive encoder would mangle. */
const HARD =
  'tab\there, new\nline, cr\r, nul\0, back\\slash, \\N, \\t, \'single\', "double", é, 日本語, 🙂, \u0301';
// Nanosecond times are far above 2^53: odd low digits show any trip through a double.
const BIG_START = T0_NS + 123_456_789n;

function hardSpan(k: number, p: Partial<SpanRow> = {}): SpanRow {
  return span({
    tenantId: `tenant ${HARD}`,
    traceId: traceId(9000 + k),
    spanId: spanId(9000 + k),
    parentSpanId: k === 0 ? '' : spanId(9000),
    name: HARD,
    statusMessage: HARD,
    serviceName: `svc\t${k}`,
    scopeName: '\\N',
    agentId: HARD,
    agentName: '',
    operation: 'chat',
    model: 'gpt\n4o',
    provider: null,
    inputTokens: Number.MAX_SAFE_INTEGER,
    outputTokens: 0,
    toolName: '\\',
    errorType: null,
    isRun: k === 0,
    userId: '\\N',
    conversationId: null,
    startTimeUnixNano: BIG_START + BigInt(k),
    durationNs: 100_000_000_000_000_001n,
    attributes: { [HARD]: HARD, nested: { s: HARD, n: 1.5 }, list: [HARD, 2, true] },
    resourceAttributes: { 'service.name': `svc\t${k}`, [HARD]: 'r' },
    events: [{ timeUnixNano: BIG_START, name: HARD, attributes: { e: HARD } }],
    links: [{ traceId: traceId(1), spanId: spanId(1), attributes: { l: HARD } }],
    ...p,
  });
}

describeOnClickHouse('ClickHouse TabSeparated inserts', (target) => {
  let s: ChStorage;
  beforeAll(async () => {
    s = await openClickHouseStorage(target().options('tsv'));
    await s.migrate();
  });
  afterAll(() => s?.close());

  it('escapes only what TSV needs and keeps \\N apart from NULL', () => {
    expect(tsvString('plain 🙂 "q" \'q\'')).toBe('plain 🙂 "q" \'q\'');
    expect(tsvString('a\tb\nc\rd\0e\\f')).toBe('a\\tb\\nc\\rd\\0e\\\\f');
    expect(tsvString('\\N')).toBe('\\\\N');
  });

  it('stores spans with hard strings and 64-bit integers exactly, as the JSON insert does', async () => {
    const spans = [0, 1, 2].map((k) => hardSpan(k));
    expect(await s.write({ spans, logs: [], metrics: [] })).toMatchObject({ spansWritten: 3 });
    // Read back through the adapter: every field of every span as it was written.
    const read = await s.traceSpans({ tenantId: spans[0]!.tenantId }, spans[0]!.traceId);
    expect(read).toEqual([spans[0]]);
    // The same spans through JSONEachRow (rows.ts) into a copy of the table: ClickHouse stores the
    // two inserts identically, column by column.
    await s.ch.exec('CREATE TABLE tsv.spans_json AS tsv.spans');
    await s.ch.clients[0]!.insert({
      table: 'tsv.spans_json',
      values: spans.map(spanToRow),
      format: 'JSONEachRow',
    });
    const all = (table: string) => s.ch.query(`SELECT * FROM tsv.${table} ORDER BY span_id`);
    const viaTsv = await all('spans');
    expect(viaTsv).toHaveLength(3);
    expect(viaTsv).toEqual(await all('spans_json'));
    expect(viaTsv[0]).toMatchObject({
      name: HARD,
      scope_name: '\\N',
      user_id: '\\N',
      provider: null,
      conversation_id: null,
      start_ns: BIG_START.toString(),
      input_tokens: String(Number.MAX_SAFE_INTEGER),
      duration_ns: '100000000000000001',
    });
  });

  it('parks a span without a tenant and adopts it whole when its trace is claimed', async () => {
    const [root, child] = [0, 1].map((k) =>
      hardSpan(10 + k, {
        tenantId: '',
        traceId: traceId(9010),
        parentSpanId: k === 0 ? '' : spanId(9010),
      }),
    );
    const pending = await s.write({ spans: [], logs: [], metrics: [], pendingSpans: [child!] });
    expect(pending.spansParked).toBe(1);
    const tenantId = `claimed ${HARD}`;
    const claimed = { ...root!, tenantId };
    await s.write({
      spans: [claimed],
      logs: [],
      metrics: [],
      traceClaims: [{ traceId: root!.traceId, tenantId, fromRoot: true }],
    });
    const read = await s.traceSpans({ tenantId }, root!.traceId);
    expect(read).toEqual([claimed, { ...child!, tenantId }]);
  });
});
