import { describe, expect, it } from 'vitest';
import { WorkSlice } from '../../ingest/work-slice.js';
import { span } from '../contract/fixtures.js';
import { encodeSpanColumns } from '../span-columns.js';
import { validateSpanColumns } from '../span-columns-transfer.js';
import type { SpanRow } from '../types.js';
import { appendSpanColumns, appendSpanRows } from './column-append.js';
import { openDuckDbStorage } from './index.js';
import { appendByRows, storageWithCopies, tableRows } from './row-oracle.test-helper.js';

/** Spans that exercise every column: nulls, short and long strings, multi-byte text, tokens. */
function varied(i: number): SpanRow {
  return span({
    tenantId: i % 4 === 0 ? `tenant-${i % 7}` : `a-much-longer-tenant-id-${i % 5}`,
    traceId: (i * 7919).toString(16).padStart(32, 'a'),
    spanId: i.toString(16).padStart(16, '0'),
    parentSpanId: i % 3 === 0 ? '' : (i - 1).toString(16).padStart(16, '0'),
    name: i % 2 ? 'chat' : `execute_tool search_web ${'é'.repeat(i % 9)}`,
    kind: i % 6,
    startTimeUnixNano: 1_700_000_000_000_000_000n + BigInt(i) * 1_000n,
    durationNs: BigInt(i % 50),
    statusCode: i % 3,
    statusMessage: i % 5 === 0 ? 'boom: ✓ 12345678' : '',
    serviceName: 'svc',
    scopeName: 'scope-with-a-long-name',
    agentId: i % 2 ? null : `agent-${i}`,
    agentName: i % 3 ? null : 'Agent Ω',
    operation: i % 2 ? 'chat' : 'execute_tool',
    model: i % 2 ? 'gpt-4o-mini' : null,
    provider: i % 2 ? 'openai' : null,
    inputTokens: i % 2 ? i * 3 : null,
    outputTokens: i % 4 === 1 ? 2 ** 40 + i : null,
    toolName: i % 2 ? null : 'search_web',
    errorType: i % 11 === 0 ? 'TimeoutError' : null,
    isRun: i % 3 === 0,
    userId: i % 5 ? null : `user\u0000${i}`,
    conversationId: null,
    attributes: { 'gen_ai.prompt': `p${'x'.repeat(i % 40)}`, n: i, nested: { a: [1, 'b'] } },
    resourceAttributes: { 'service.name': 'svc' },
    events:
      i % 4 === 0
        ? [{ timeUnixNano: 5n, name: 'exception', attributes: { 'exception.type': 'E' } }]
        : [],
    links: [],
  });
}

/** Counts the turns of the event loop until stopped. */
function turnsOfTheEventLoop(): { turns: () => number; stop: () => void } {
  let turns = 0;
  let stopped = false;
  const tick = () => {
    if (stopped) return;
    turns++;
    setImmediate(tick);
  };
  setImmediate(tick);
  return {
    turns: () => turns,
    stop: () => {
      stopped = true;
    },
  };
}

describe('span columns appended a data chunk at a time', () => {
  it('store exactly what the row appender stores, across chunk and batch boundaries', async () => {
    const storage = await storageWithCopies(['by_rows', 'spans']);
    // Past four chunks: the first four move into the transaction together, the rest on close.
    const spans = Array.from({ length: 9000 }, (_, i) => varied(i));
    await appendByRows(storage, 'by_rows', spans);

    // Uneven batches, one with rows left out, so runs straddle the 2,048-row chunks.
    const first = encodeSpanColumns(spans.slice(0, 1500));
    const second = encodeSpanColumns(spans.slice(1500, 4100));
    const third = encodeSpanColumns(spans.slice(4100));
    const keep = new Uint8Array(second.rows).fill(1);
    for (let r = 0; r < keep.length; r += 3) keep[r] = 0;
    const skipped = encodeSpanColumns(spans.slice(1500, 4100).filter((_, r) => r % 3 === 0));
    for (const c of [first, second, third, skipped]) expect(validateSpanColumns(c)).toBeNull();

    const appender = await storage.db.writer.createAppender('spans');
    const n = await appendSpanColumns(
      appender,
      [{ cols: first }, { cols: second, keep }, { cols: third }, { cols: skipped }],
      new WorkSlice(),
    );
    appender.closeSync();
    expect(n).toBe(9000);
    const expected = await tableRows(storage, 'by_rows');
    expect(await tableRows(storage, 'spans')).toEqual(expected);
    expect(expected.some((r) => r.agent_id === null)).toBe(true);
    expect(expected.some((r) => r.input_tokens === null)).toBe(true);
    await storage.close();
  });

  it('stores span rows through the columns exactly as the row appender does', async () => {
    const storage = await storageWithCopies(['by_rows', 'spans']);
    const spans = Array.from({ length: 4500 }, (_, i) => varied(i));
    await appendByRows(storage, 'by_rows', spans);
    // 4,500 rows: two full data chunks encoded one after the other, then a part of one.
    const appender = await storage.db.writer.createAppender('spans');
    expect(await appendSpanRows(appender, spans, new WorkSlice(0))).toBe(4500);
    appender.closeSync();
    expect(await tableRows(storage, 'spans')).toEqual(await tableRows(storage, 'by_rows'));
    await storage.close();
  });

  it('lets the event loop run after every data chunk once its slice is spent', async () => {
    const storage = await openDuckDbStorage({ dataDir: ':memory:' });
    await storage.migrate();
    // 4 full chunks of 2,048 rows: each one is milliseconds of work on the event loop.
    const cols = encodeSpanColumns(Array.from({ length: 4 * 2048 }, (_, i) => varied(i)));
    const appender = await storage.db.writer.createAppender('spans');
    const loop = turnsOfTheEventLoop();
    // A zero-length slice is spent from the start, as a 10 ms one is after a chunk or two.
    const n = await appendSpanColumns(appender, [{ cols }], new WorkSlice(0));
    loop.stop();
    appender.closeSync();
    expect(n).toBe(4 * 2048);
    // A turn of the event loop after each of the four chunks (the clock was read only every
    // sixteenth chunk before, which held the loop for ~100 ms per 16,384 rows under load).
    expect(loop.turns()).toBeGreaterThanOrEqual(4);
    await storage.close();
  });

  it('moves four chunks at a time into the transaction, each move after a turn of the event loop', async () => {
    const storage = await openDuckDbStorage({ dataDir: ':memory:' });
    await storage.migrate();
    const cols = encodeSpanColumns(Array.from({ length: 9 * 2048 + 100 }, (_, i) => varied(i)));
    const appender = await storage.db.writer.createAppender('spans');
    const loop = turnsOfTheEventLoop();
    // The turns seen when each move starts: a move takes most of a slice, so one starts fresh.
    const turnsAtMove: number[] = [];
    const flushSync = appender.flushSync.bind(appender);
    appender.flushSync = () => {
      turnsAtMove.push(loop.turns());
      flushSync();
    };
    // A slice that is never spent: only the moves themselves make way for the event loop.
    const n = await appendSpanColumns(appender, [{ cols }], new WorkSlice(60_000));
    loop.stop();
    appender.closeSync();
    expect(n).toBe(9 * 2048 + 100);
    expect(turnsAtMove).toHaveLength(2);
    expect(turnsAtMove[0]).toBeGreaterThanOrEqual(1);
    expect(turnsAtMove[1]).toBeGreaterThan(turnsAtMove[0]!);
    const [{ rows }] = (await storage.db.query('SELECT count(*)::INTEGER AS rows FROM spans')) as [
      { rows: number },
    ];
    expect(rows).toBe(9 * 2048 + 100);
    await storage.close();
  });

  it('leaves no NULL of one data chunk in the next, the chunk being reused', async () => {
    const storage = await storageWithCopies(['by_rows', 'spans']);
    // The first chunk's agent ids all NULL, the second's all set: the second chunk takes no
    // validity of its own, so it is correct only if the reused chunk starts all valid again.
    const spans = Array.from({ length: 4096 }, (_, i) => ({
      ...varied(i),
      agentId: i < 2048 ? null : `agent-${i}`,
    }));
    await appendByRows(storage, 'by_rows', spans);
    for (let pass = 0; pass < 2; pass++) {
      const appender = await storage.db.writer.createAppender('spans');
      await appendSpanColumns(appender, [{ cols: encodeSpanColumns(spans) }], new WorkSlice());
      appender.closeSync();
      const stored = await tableRows(storage, 'spans');
      expect(stored.filter((r) => r.agent_id === null)).toHaveLength(2048);
      expect(stored).toEqual(await tableRows(storage, 'by_rows'));
      await storage.db.exec('DELETE FROM spans');
    }
    await storage.close();
  });

  it('stores the same rows whichever append ran before it, parked or not', async () => {
    const storage = await storageWithCopies(['by_rows', 'spans']);
    const spans = Array.from({ length: 3000 }, (_, i) => varied(i));
    await appendByRows(storage, 'by_rows', spans);
    const writer = storage.db.writer;
    // A parked append (its extra column) first: what it leaves in the appends' reused buffers
    // must not reach the next.
    const parked = await writer.createAppender('parked_spans');
    await appendSpanColumns(parked, [{ cols: encodeSpanColumns(spans) }], new WorkSlice(), 7n);
    parked.closeSync();
    const appender = await writer.createAppender('spans');
    await appendSpanColumns(appender, [{ cols: encodeSpanColumns(spans) }], new WorkSlice());
    appender.closeSync();
    expect(await tableRows(storage, 'spans')).toEqual(await tableRows(storage, 'by_rows'));
    const [{ n, distinct }] = (await storage.db.query(
      'SELECT count(*)::INTEGER AS n, count(DISTINCT parked_ns)::INTEGER AS distinct FROM parked_spans WHERE parked_ns = 7',
    )) as [{ n: number; distinct: number }];
    expect([n, distinct]).toEqual([3000, 1]);
    await storage.close();
  });

  it('refuses columns whose inline string would be read as a pointer', () => {
    const cols = encodeSpanColumns([varied(1)]);
    new DataView(cols.strings.buffer).setUint32(0, 13, true);
    expect(validateSpanColumns(cols)).toMatch(/inline string/);
    expect(
      validateSpanColumns({ ...encodeSpanColumns([varied(2)]), kind: new Int8Array(5) }),
    ).toMatch(/kind/);
    const refs = encodeSpanColumns([varied(3)]);
    refs.longRefs[3] = refs.heap.length + 1;
    expect(validateSpanColumns(refs)).toMatch(/heap/);
    const short = encodeSpanColumns([varied(3)]);
    short.longRefs[3] = short.longRefs[2]! + 12;
    expect(validateSpanColumns(short)).toMatch(/short enough to be inline/);
  });
});
