import { describe, expect, it } from 'vitest';
import { DuckDb } from './database.js';

describe('DuckDb reads', () => {
  it('streams at least the rows asked for, each read whole while others share its connection', async () => {
    const db = await DuckDb.open(':memory:', 1);
    await db.exec('CREATE TABLE t AS SELECT i, i % 7 AS k FROM range(300000) r(i)');
    const reads = [0, 1, 2, 3, 4, 5, 6].map((k) =>
      db.queryUpTo(`SELECT i, k FROM t WHERE k = ${k}`, 5_000),
    );
    const all = db.query('SELECT count(*) AS n FROM t');
    for (const [k, rows] of (await Promise.all(reads)).entries()) {
      expect(rows.length).toBeGreaterThanOrEqual(5_000);
      expect(rows.length).toBeLessThan(5_000 + 2 * 2_048);
      expect(rows.every((r) => r.k === BigInt(k))).toBe(true);
    }
    expect(await all).toEqual([{ n: 300_000n }]);
    // Fewer rows than asked for: all of them.
    expect(await db.queryUpTo('SELECT i FROM t WHERE i < ?', 5_000, [10])).toHaveLength(10);
    db.close();
  });

  it('binds a bigint as the BIGINT or UBIGINT it fits, so a time filter reaches the scan', async () => {
    const db = await DuckDb.open(':memory:', 1);
    await db.exec('CREATE TABLE t AS SELECT i::BIGINT * 1000000000 AS ns FROM range(300000) r(i)');
    const typeOf = async (v: bigint) =>
      (await db.query('SELECT typeof(?) AS t', [v]))[0]!.t as string;
    expect(await typeOf(-(2n ** 63n))).toBe('BIGINT');
    expect(await typeOf(1_796_601_600_000_000_000n)).toBe('BIGINT');
    expect(await typeOf(2n ** 64n - 1n)).toBe('UBIGINT');
    expect(await typeOf(2n ** 64n)).toBe('HUGEINT');
    // Bound as HUGEINT, the column would be cast row by row above the scan, pruning nothing.
    const [plan] = await db.query('EXPLAIN SELECT count(*) FROM t WHERE ns >= ?', [5n]);
    expect(String(plan!.explain_value)).toMatch(/SEQ_SCAN[\s\S]*Filters: ns>=5/);
    expect(String(plan!.explain_value)).not.toMatch(/CAST|FILTER/);
    const written = await db.change('DELETE FROM t WHERE ns < ?', [10_000_000_000n]);
    expect(written).toBe(10);
    expect(await db.queryUpTo('SELECT ns FROM t WHERE ns < ?', 1, [12_000_000_000n])).toHaveLength(
      2,
    );
    expect(await db.queryOnWriter('SELECT count(*) AS n FROM t WHERE ns >= ?', [0n])).toEqual([
      { n: 299_990n },
    ]);
    db.close();
  });
});
