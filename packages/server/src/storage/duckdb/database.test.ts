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
});
