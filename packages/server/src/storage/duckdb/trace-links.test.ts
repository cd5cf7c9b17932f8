import { describe, expect, it } from 'vitest';
import { linkedFromReadAhead, linkWindow } from '../../query/trace-view.js';
import { MS, span, spanId } from '../contract/fixtures.js';
import type { SpanRow } from '../types.js';
import { openDuckDbStorage } from './index.js';

const HOUR_NS = 3_600_000n * MS;
const DAY_NS = 24n * HOUR_NS;
/** Midnight UTC of some day: days 0 to 2 from here are closed and indexed. */
const DAY0 = 20_000n * DAY_NS;
const TENANT = 't-links';

/** Trace ids that differ in their first 16 hex digits, as the trace key reads them. */
const id = (n: number) => `${n.toString(16).padStart(4, '0')}${'a'.repeat(28)}`;

/** A root span of trace `n` at `at`, linking to the traces `links`. */
const root = (n: number, at: bigint, links: number[] = []): SpanRow =>
  span({
    tenantId: TENANT,
    traceId: id(n),
    spanId: spanId(n),
    startTimeUnixNano: at,
    isRun: true,
    links: links.map((l) => ({ traceId: id(l), spanId: spanId(l), attributes: {} })),
  });

const LINKED = 1; // day 1, 10:00; trace 2 links to it half an hour later
const LINKED_OVER_MIDNIGHT = 3; // day 1, 23:50; trace 4 links to it at 00:20 on day 2
const ALONE = 5; // day 1, 12:00; nothing links to it

function spans(): SpanRow[] {
  const rows = [
    root(LINKED, DAY0 + DAY_NS + 10n * HOUR_NS),
    root(2, DAY0 + DAY_NS + 10n * HOUR_NS + HOUR_NS / 2n, [LINKED]),
    root(LINKED_OVER_MIDNIGHT, DAY0 + 2n * DAY_NS - HOUR_NS / 6n),
    root(4, DAY0 + 2n * DAY_NS + HOUR_NS / 3n, [LINKED_OVER_MIDNIGHT]),
    root(ALONE, DAY0 + DAY_NS + 12n * HOUR_NS),
  ];
  // Other traces every half hour of the three days, none linking to the ones above.
  for (let i = 0; i < 144; i++) rows.push(root(100 + i, DAY0 + (BigInt(i) * HOUR_NS) / 2n, [99]));
  return rows.sort((a, b) => (a.startTimeUnixNano < b.startTimeUnixNano ? -1 : 1));
}

async function indexedStorage() {
  const storage = await openDuckDbStorage({ dataDir: ':memory:' });
  await storage.migrate();
  await storage.write({ spans: spans(), logs: [], metrics: [] });
  return storage;
}

const sweep = (storage: Awaited<ReturnType<typeof indexedStorage>>) =>
  storage.compactClosedWindows({
    windowNs: DAY_NS,
    closedBeforeNs: DAY0 + 3n * DAY_NS,
    maxRowsPerTransaction: 200_000,
    lateRowsFraction: 0.05,
  });

/** The page's linked-from traces as the route answers them: read ahead, else searched. */
async function linkedFrom(storage: Awaited<ReturnType<typeof indexedStorage>>, n: number) {
  const searches: string[] = [];
  const { query, queryUpTo } = storage.db;
  storage.db.query = (sql, params) => {
    if (sql.includes('links LIKE')) searches.push(sql);
    return query.call(storage.db, sql, params);
  };
  storage.db.queryUpTo = (sql, rows, params) => {
    if (sql.includes('links LIKE')) searches.push(sql);
    return queryUpTo.call(storage.db, sql, rows, params);
  };
  const read = await storage.readTrace({ tenantId: null }, id(n));
  storage.db.query = query;
  storage.db.queryUpTo = queryUpTo;
  const window = linkWindow(read.spans);
  const ahead = linkedFromReadAhead(read.linking, TENANT, id(n), window);
  const searched = await storage.linkedTraces({ tenantId: TENANT }, id(n), [], window);
  return {
    ahead: ahead?.map((t) => t.traceId),
    searched: searched.map((t) => t.traceId),
    searches,
  };
}

describe('DuckDB trace index: links', () => {
  it('indexes, for each window, the traces its spans link to', async () => {
    const storage = await indexedStorage();
    await sweep(storage);
    const linked = await storage.db.query(
      `SELECT trace_key, window_start_ns AS w FROM trace_index WHERE linked ORDER BY 2, 1`,
    );
    const key = (n: number) => BigInt(`0x${id(n).slice(0, 16)}`);
    expect(linked.map((r) => [BigInt(r.trace_key as bigint), BigInt(r.w as bigint)])).toEqual([
      [key(99), DAY0],
      [key(LINKED), DAY0 + DAY_NS],
      [key(99), DAY0 + DAY_NS],
      [key(LINKED_OVER_MIDNIGHT), DAY0 + 2n * DAY_NS],
      [key(99), DAY0 + 2n * DAY_NS],
    ]);
    await storage.close();
  });

  it('reads the traces linking to one from the windows the index names, and searches no other', async () => {
    const storage = await indexedStorage();
    await sweep(storage);
    for (const [n, from] of [
      [LINKED, [id(2)]],
      [LINKED_OVER_MIDNIGHT, [id(4)]],
      [ALONE, []],
    ] as const) {
      const { ahead, searched, searches } = await linkedFrom(storage, n);
      expect(searched).toEqual(from);
      expect(ahead).toEqual(from);
      // One search where a linking span is; none for a trace nothing links to.
      expect(searches).toHaveLength(from.length);
    }
    await storage.close();
  });

  it('searches windows indexed before their links were, until the next sweep indexes them', async () => {
    const storage = await indexedStorage();
    await sweep(storage);
    // As a database indexed before schema v14 reads (no look-up has cached the windows yet).
    await storage.db.exclusive(async () => {
      await storage.db.exec('DELETE FROM trace_index WHERE linked');
      await storage.db.exec('UPDATE trace_index_windows SET links = false');
    });
    const before = await linkedFrom(storage, ALONE);
    expect(before.ahead).toEqual([]);
    expect(before.searches).toHaveLength(1);
    expect((await linkedFrom(storage, LINKED)).ahead).toEqual([id(2)]);

    await sweep(storage);
    expect(
      await storage.db.query('SELECT count(*) AS n FROM trace_index_windows WHERE NOT links'),
    ).toEqual([{ n: 0n }]);
    const after = await linkedFrom(storage, ALONE);
    expect(after.ahead).toEqual([]);
    expect(after.searches).toHaveLength(0);
    await storage.close();
  });
});
