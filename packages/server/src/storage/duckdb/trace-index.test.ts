import { describe, expect, it } from 'vitest';
import { openDuckDbStorage } from './index.js';

const DAY_NS = 86_400_000_000_000n;
const DAY0 = 20_000n * DAY_NS;
type Storage = Awaited<ReturnType<typeof openDuckDbStorage>>;

/**
 * `runs` traces of 2 spans each over 20 tenants, in start-time order over `days` days from DAY0;
 * trace i is md5(i), its tenant `tenant-<i % 20>`. Numbered from `first`, so a later call adds
 * new traces (late spans when their times fall in an indexed window).
 */
async function seed(s: Storage, runs: number, days: number, first = 0, at?: bigint) {
  const step = (BigInt(days) * DAY_NS) / BigInt(runs);
  const start = at === undefined ? `${DAY0} + (i - ${first}) * ${step}` : `${at}`;
  await s.db.exclusive(() =>
    s.db.exec(`
      INSERT INTO spans (tenant_id, trace_id, span_id, parent_span_id, name, kind, start_ns, end_ns,
        duration_ns, status_code, status_message, service_name, scope_name, is_run, attributes,
        resource_attributes, events, links, is_llm, is_tool, trace_key, tenant_key)
      SELECT 'tenant-' || (i % 20), md5(CAST(i AS VARCHAR)), substr(md5(i || '-' || k), 1, 16),
        CASE WHEN k = 0 THEN '' ELSE substr(md5(i || '-0'), 1, 16) END, 'span ' || k, 1,
        ${start} + k, ${start} + k + 1000, 1000, 0, '', 'svc', 'scope', k = 0, '{}', '{}', '[]',
        '[]', false, false, CAST('0x' || substr(md5(CAST(i AS VARCHAR)), 1, 16) AS UBIGINT),
        md5_number_upper('tenant-' || (i % 20))
      FROM range(${first}, ${first + runs}) r(i), range(2) t(k) ORDER BY 7`),
  );
}

const md5 = async (s: Storage, i: number) =>
  String((await s.db.query(`SELECT md5('${i}') AS h`))[0]!.h);

/** A sweep as the compaction job runs it, with the first `closedDays` days closed. */
const sweep = (s: Storage, closedDays: number) =>
  s.compactClosedWindows({
    windowNs: DAY_NS,
    closedBeforeNs: DAY0 + BigInt(closedDays) * DAY_NS,
    maxRowsPerTransaction: 200_000,
    lateRowsFraction: 0.05,
  });

async function indexedWindows(s: Storage) {
  return (
    await s.db.query(
      'SELECT window_start_ns AS w, row_count AS n FROM trace_index_windows ORDER BY 1',
    )
  ).map((r) => [BigInt(r.w as bigint), Number(r.n)]);
}

async function openSeeded(): Promise<Storage> {
  const s = await openDuckDbStorage({ dataDir: ':memory:' });
  await s.migrate();
  await seed(s, 3000, 3);
  await sweep(s, 2);
  return s;
}

describe('DuckDB trace index', () => {
  it('indexes each closed window once, with its row count', async () => {
    const s = await openSeeded();
    expect(await indexedWindows(s)).toEqual([
      [DAY0, 2000],
      [DAY0 + DAY_NS, 2000],
    ]);
    const [row] = await s.db.query('SELECT count(*) AS n FROM trace_index');
    expect(Number(row!.n)).toBe(2000);
    await sweep(s, 2);
    expect((await s.db.query('SELECT count(*) AS n FROM trace_index'))[0]!.n).toBe(row!.n);
    s.db.close();
  });

  it('keeps the whole index in trace_key order across windows, so a look-up reads one row group', async () => {
    const s = await openSeeded();
    const inOrder = async () => {
      const [row] = await s.db.query(
        `SELECT count(*) AS n, count(*) FILTER (WHERE trace_key < prev) AS out_of_order
         FROM (SELECT trace_key, lag(trace_key) OVER (ORDER BY rowid) AS prev FROM trace_index)`,
      );
      return [Number(row!.n), Number(row!.out_of_order)];
    };
    expect(await inOrder()).toEqual([2000, 0]);
    // A third window closes: its entries join in order, not after the others.
    await sweep(s, 3);
    expect(await inOrder()).toEqual([3000, 0]);
    const [left] = await s.db.query(
      "SELECT count(*) AS n FROM duckdb_tables() WHERE table_name = 'trace_index_sorted'",
    );
    expect(Number(left!.n)).toBe(0);
    expect((await s.traceSpans({ tenantId: null }, await md5(s, 2500))).length).toBe(2);
    s.db.close();
  });

  it('finds a trace in an indexed window and in the open one, with and without its tenant', async () => {
    const s = await openSeeded();
    for (const i of [7, 1500, 2999]) {
      const traceId = await md5(s, i);
      const all = await s.traceSpans({ tenantId: null }, traceId);
      expect(all.map((r) => r.tenantId)).toEqual([`tenant-${i % 20}`, `tenant-${i % 20}`]);
      expect(await s.traceSpans({ tenantId: `tenant-${i % 20}` }, traceId)).toHaveLength(2);
      // Another tenant's key finds nothing, through the index or around it.
      expect(await s.traceSpans({ tenantId: `tenant-${(i + 1) % 20}` }, traceId)).toEqual([]);
    }
    expect(await s.traceSpans({ tenantId: null }, 'f'.repeat(32))).toEqual([]);
    s.db.close();
  });

  it("indexes the open window's closed hours until its day is indexed whole", async () => {
    const s = await openSeeded();
    const HOUR_NS = DAY_NS / 24n;
    // 5 hours into day 2 (the open window): hours 0-4 of it are closed.
    await s.compactClosedWindows({
      windowNs: DAY_NS,
      closedBeforeNs: DAY0 + 2n * DAY_NS + 5n * HOUR_NS + 7n,
      maxRowsPerTransaction: 200_000,
      lateRowsFraction: 0.05,
    });
    const windows = await s.db.query(
      'SELECT window_start_ns AS w, window_ns AS n, row_count AS c FROM trace_index_windows ORDER BY 1, 2',
    );
    const hours = windows.filter((r) => BigInt(r.n as bigint) === HOUR_NS);
    expect(hours.map((r) => BigInt(r.w as bigint))).toEqual(
      [0n, 1n, 2n, 3n, 4n].map((h) => DAY0 + 2n * DAY_NS + h * HOUR_NS),
    );
    // Traces of 1000 a day: ~42 an hour, each of 2 spans.
    expect(hours.reduce((n, r) => n + Number(r.c), 0)).toBeGreaterThan(400);
    // In a closed hour (through the index), after them (scanned), and in a closed day.
    for (const i of [2100, 2900, 500]) {
      const found = await s.traceSpans({ tenantId: null }, await md5(s, i));
      expect(
        found.map((r) => r.tenantId),
        String(i),
      ).toEqual([`tenant-${i % 20}`, `tenant-${i % 20}`]);
    }
    // The day closes: indexed whole, its hour windows dropped.
    await sweep(s, 3);
    expect(await indexedWindows(s)).toEqual([
      [DAY0, 2000],
      [DAY0 + DAY_NS, 2000],
      [DAY0 + 2n * DAY_NS, 2000],
    ]);
    expect((await s.db.query('SELECT count(*) AS n FROM trace_index'))[0]!.n).toBe(3000n);
    expect(await s.traceSpans({ tenantId: null }, await md5(s, 2100))).toHaveLength(2);
    s.db.close();
  });

  it('returns each span once while an hour window and its day are both indexed', async () => {
    const s = await openSeeded();
    const HOUR_NS = DAY_NS / 24n;
    // As a sweep leaves it between indexing a day and dropping its hours: trace 1500 (day 1) has
    // an entry in its day and in an hour window of that day; a look-up must not read it twice.
    const traceId = await md5(s, 1500);
    const [day] = await s.db.query(
      `SELECT trace_key, tenant_key, window_start_ns AS w FROM trace_index
       WHERE trace_key = CAST('0x' || substr(?, 1, 16) AS UBIGINT)`,
      [traceId],
    );
    const [first] = await s.db.query('SELECT min(start_ns) AS t FROM spans WHERE trace_id = ?', [
      traceId,
    ]);
    const hour = (BigInt(first!.t as bigint) / HOUR_NS) * HOUR_NS;
    await s.db.exclusive(async () => {
      await s.db.exec('INSERT INTO trace_index VALUES (?::UBIGINT, ?::UBIGINT, ?, ?, false)', [
        BigInt(day!.trace_key as bigint),
        BigInt(day!.tenant_key as bigint),
        hour,
        HOUR_NS,
      ]);
      await s.db.exec('INSERT INTO trace_index_windows VALUES (?, ?, 1, true)', [hour, HOUR_NS]);
    });
    // No look-up before this one: the indexed windows are read now, the hour among them.
    for (const tenantId of [null, 'tenant-0']) {
      const found = await s.traceSpans({ tenantId }, traceId);
      expect(found.map((r) => r.spanId).sort()).toEqual(
        [...new Set(found.map((r) => r.spanId))].sort(),
      );
      expect(found).toHaveLength(2);
    }
    s.db.close();
  });

  it('finds a trace whose spans all arrived late in an indexed window, and the next sweep indexes it', async () => {
    const s = await openSeeded();
    await seed(s, 1, 1, 9000, DAY0 + 5n);
    const late = await md5(s, 9000);
    expect(await s.traceSpans({ tenantId: null }, late)).toHaveLength(2);
    await sweep(s, 2);
    expect((await indexedWindows(s))[0]).toEqual([DAY0, 2002]);
    const [hit] = await s.db.query(
      `SELECT count(*) AS n FROM trace_index WHERE trace_key = CAST('0x' || substr(?, 1, 16) AS UBIGINT)`,
      [late],
    );
    expect(Number(hit!.n)).toBe(1);
    expect(await s.traceSpans({ tenantId: 'tenant-0' }, late)).toHaveLength(2);
    s.db.close();
  });

  it('drops the entries of a window whose rows are gone', async () => {
    const s = await openSeeded();
    await s.db.exclusive(() => s.db.exec('DELETE FROM spans WHERE start_ns < ?', [DAY0 + DAY_NS]));
    await sweep(s, 2);
    expect(await indexedWindows(s)).toEqual([[DAY0 + DAY_NS, 2000]]);
    const [row] = await s.db.query(
      'SELECT count(*) AS n FROM trace_index WHERE window_start_ns = ?',
      [DAY0],
    );
    expect(Number(row!.n)).toBe(0);
    s.db.close();
  });
});
