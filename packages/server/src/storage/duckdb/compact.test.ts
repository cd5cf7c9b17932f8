import { describe, expect, it } from 'vitest';
import type { Params } from './database.js';
import { openDuckDbStorage } from './index.js';
import { Where } from './rows.js';

const DAY_NS = 86_400_000_000_000n;
/** Midnight UTC of some day; the window [DAY0, DAY0 + 1 day) is the one compacted. */
const DAY0 = 20_000n * DAY_NS;

type Storage = Awaited<ReturnType<typeof openDuckDbStorage>>;

/**
 * `rows` spans of 50 tenants inserted in start-time order, as ingest appends them, spread over
 * `days` days from DAY0. Tenant ids share their first 8 bytes ('tenant-0042'), the case zone maps
 * on tenant_id cannot tell apart and tenant_key can. Ids are numbered from `first`, so a later
 * seed (late spans) adds new spans rather than resends.
 */
async function seed(storage: Storage, rows: number, days: number, first = 0): Promise<void> {
  const span = BigInt(days) * DAY_NS;
  await storage.db.exclusive(() =>
    storage.db.exec(`
      INSERT INTO spans
      SELECT 'tenant-' || lpad(CAST(i % 50 AS VARCHAR), 4, '0'), md5(CAST(i AS VARCHAR)),
        substr(md5('s' || i), 1, 16), '', 'invoke_agent a', 1,
        ${DAY0} + (i - ${first}) * ${span / BigInt(rows)} AS start_ns,
        ${DAY0} + (i - ${first}) * ${span / BigInt(rows)} + 1000, 1000, i % 7 = 0, '', 'svc', 'scope',
        NULL, NULL, 'invoke_agent', NULL, NULL, NULL, NULL, NULL, NULL, true, NULL, NULL,
        '{}', '{}', '[]', '[]', false, false, hash(i),
        md5_number_upper('tenant-' || lpad(CAST(i % 50 AS VARCHAR), 4, '0'))
      FROM range(${first}, ${first + rows}) r(i) ORDER BY start_ns`),
  );
}

/** Rows the table scans read for `sql`, from DuckDB's own profile: no timing involved. */
async function rowsScanned(storage: Storage, sql: string, params: Params = []): Promise<number> {
  const rows = await storage.db.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, params);
  const plan: unknown = JSON.parse(String(Object.values(rows[0]!)[1]));
  let scanned = 0;
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(walk);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const n = node as {
      operator_name?: string;
      operator_rows_scanned?: number;
      children?: unknown;
    };
    if (n.operator_name?.includes('SCAN')) scanned += Number(n.operator_rows_scanned ?? 0);
    walk(n.children ?? []);
  };
  walk(plan);
  return scanned;
}

const closedDay = {
  windowNs: DAY_NS,
  closedBeforeNs: DAY0 + DAY_NS,
  maxRowsPerTransaction: 200_000,
  lateRowsFraction: 0.05,
};

const RECORDED_SPANS = "SELECT row_count FROM compacted_windows WHERE table_name = 'spans'";

async function openStorage(): Promise<Storage> {
  const storage = await openDuckDbStorage({ dataDir: ':memory:' });
  await storage.migrate();
  return storage;
}

/** A day of `rows` spans, compacted once. */
async function compactedDay(rows: number): Promise<Storage> {
  const storage = await openStorage();
  await seed(storage, rows, 1);
  expect(await storage.compactClosedWindows(closedDay)).toMatchObject({ windows: 1 });
  return storage;
}

describe('DuckDB compaction', () => {
  it('stores a closed day sorted by tenant, so a one-tenant query reads a fraction of its row groups', async () => {
    const storage = await openStorage();
    await seed(storage, 600_000, 1);
    const tenant = String(
      (await storage.db.query(`SELECT tenant_id FROM spans LIMIT 1`))[0]!.tenant_id,
    );
    // Scoped the way every read route scopes a tenant.
    const where = new Where()
      .scope(tenant)
      .add('start_ns >= ? AND start_ns < ?', DAY0, DAY0 + DAY_NS);
    const query = `SELECT count(*) AS n, sum(status_code) AS errors FROM spans ${where.sql}`;
    const answerBefore = await storage.db.query(query, where.params);
    const scannedBefore = await rowsScanned(storage, query, where.params);

    const report = await storage.compactClosedWindows(closedDay);

    expect(report).toMatchObject({ windows: 1, rows: 600_000 });
    expect(report.transactions).toBeGreaterThan(1);
    expect(await storage.db.query(query, where.params)).toEqual(answerBefore);
    // In arrival order every row group holds every tenant; sorted, a 2% tenant sits in one or two.
    expect(scannedBefore).toBe(600_000);
    expect(await rowsScanned(storage, query, where.params)).toBeLessThanOrEqual(2 * 122_880);
    await storage.close();
  });

  it('rewrites only windows that are closed, and each of them once', async () => {
    const storage = await openStorage();
    await seed(storage, 30_000, 3);
    const snapshot = 'SELECT * FROM spans ORDER BY tenant_id, trace_id, span_id';
    const before = await storage.db.query(snapshot);

    // Day 2 is still open: only days 0 and 1 move.
    const first = await storage.compactClosedWindows({
      ...closedDay,
      closedBeforeNs: DAY0 + 2n * DAY_NS + DAY_NS / 2n,
      maxRowsPerTransaction: 2_000,
    });
    expect(first).toMatchObject({ windows: 2, rows: 20_000 });
    const again = await storage.compactClosedWindows({
      ...closedDay,
      closedBeforeNs: DAY0 + 2n * DAY_NS + DAY_NS / 2n,
    });
    expect(again).toEqual({ windows: 0, rows: 0, transactions: 0 });
    expect(await storage.db.query(snapshot)).toEqual(before);
    const recorded = await storage.db.query(
      'SELECT window_start_ns, row_count FROM compacted_windows ORDER BY 1',
    );
    expect(recorded).toEqual([
      { window_start_ns: DAY0, row_count: 10_000n },
      { window_start_ns: DAY0 + DAY_NS, row_count: 10_000n },
    ]);
    await storage.close();
  });

  it('sorts a compacted window again once late spans pass the late-rows share, not before', async () => {
    const storage = await compactedDay(400_000);
    const tenant = 'tenant-0007';
    const where = new Where()
      .scope(tenant)
      .add('start_ns >= ? AND start_ns < ?', DAY0, DAY0 + DAY_NS);
    const query = `SELECT count(*) AS n FROM spans ${where.sql}`;

    // 4% late: appended in arrival order, counted, but not worth a rewrite.
    await seed(storage, 16_000, 1, 1_000_000);
    expect(await storage.compactClosedWindows(closedDay)).toMatchObject({ windows: 0 });
    // A backfill: late spans now fill row groups of their own, each holding every tenant.
    await seed(storage, 250_000, 1, 2_000_000);
    const scannedLate = await rowsScanned(storage, query, where.params);
    const answer = await storage.db.query(query, where.params);
    expect(answer).toEqual([{ n: BigInt(666_000 / 50) }]);

    const again = await storage.compactClosedWindows(closedDay);
    expect(again).toMatchObject({ windows: 1, rows: 666_000 });
    expect(await storage.db.query(query, where.params)).toEqual(answer);
    expect(scannedLate).toBeGreaterThan(2 * 122_880);
    expect(await rowsScanned(storage, query, where.params)).toBeLessThanOrEqual(2 * 122_880);
    expect(await storage.db.query(RECORDED_SPANS)).toEqual([{ row_count: 666_000n }]);
    expect(await storage.compactClosedWindows(closedDay)).toMatchObject({ windows: 0 });
    await storage.close();
  });

  it('counts late spans against what a window keeps after retention and erasure, not what it had', async () => {
    const storage = await compactedDay(400_000);

    // Ten of the fifty tenants erased, and half a day of another one expired by retention.
    for (let t = 0; t < 10; t++) await storage.deleteTenant(`tenant-${String(t).padStart(4, '0')}`);
    await storage.deleteOlderThan('tenant-0010', DAY0 + DAY_NS / 2n);
    expect(await storage.db.query(RECORDED_SPANS)).toEqual([
      { row_count: 400_000n - 80_000n - 4_000n },
    ]);

    // 30,000 late spans: 9.6% of what the window holds now, though fewer than it lost.
    await seed(storage, 30_000, 1, 1_000_000);
    expect(await storage.compactClosedWindows(closedDay)).toMatchObject({
      windows: 1,
      rows: 346_000,
    });
    expect(await storage.db.query(RECORDED_SPANS)).toEqual([{ row_count: 346_000n }]);
    await storage.close();
  });

  it('stops between two transactions when its signal is aborted', async () => {
    const storage = await openStorage();
    await seed(storage, 10_000, 2);
    const abort = new AbortController();
    abort.abort();
    const report = await storage.compactClosedWindows({
      ...closedDay,
      closedBeforeNs: DAY0 + 2n * DAY_NS,
      signal: abort.signal,
    });
    expect(report).toEqual({ windows: 0, rows: 0, transactions: 0 });
    expect(await storage.db.query('SELECT count(*) AS n FROM compacted_windows')).toEqual([
      { n: 0n },
    ]);
    await storage.close();
  });
});
