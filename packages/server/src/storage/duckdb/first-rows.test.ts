import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDb } from './database.js';
import { firstRows, type OrderKey } from './first-rows.js';

const ORDER: OrderKey[] = [
  { column: 'start_ns', type: 'bigint' },
  { column: 'span_id', type: 'text' },
];

describe('firstRows', () => {
  let db: DuckDb;
  beforeAll(async () => {
    db = await DuckDb.open(':memory:');
    await db.exec('CREATE TABLE t (part INTEGER, start_ns BIGINT, span_id VARCHAR)');
    // Starts past 2^53, ties broken by span id, and two parts that never share a row.
    await db.exec(`INSERT INTO t VALUES
      (1, 9007199254740995, 'b'), (2, 9007199254740993, 'c'), (1, 9007199254740993, 'a'),
      (2, 5, 'z'), (1, 9007199254740995, 'a'), (2, 7, 'y')`);
    // Found in insertion order: the first rows by start come last.
    await db.exec('INSERT INTO t SELECT 3, 100 - i, CAST(i AS VARCHAR) FROM range(50) r(i)');
  });
  afterAll(() => db.close());

  const parts = [
    { sql: 'SELECT * FROM t WHERE part = 1', params: [] },
    { sql: 'SELECT * FROM t WHERE part = ?', params: [2] },
  ];
  const keys = (rows: Array<Record<string, unknown>>) =>
    rows.map((r) => `${r.start_ns}/${r.span_id}`);

  it('returns the rows of every select in start, then id order', async () => {
    expect(keys(await firstRows(db, parts, ORDER, 100))).toEqual([
      '5/z',
      '7/y',
      '9007199254740993/a',
      '9007199254740993/c',
      '9007199254740995/a',
      '9007199254740995/b',
    ]);
  });

  it('past the limit keeps the first rows in order, not the first found', async () => {
    expect(keys(await firstRows(db, parts, ORDER, 3))).toEqual([
      '5/z',
      '7/y',
      '9007199254740993/a',
    ]);
    const descending = { sql: 'SELECT * FROM t WHERE part = 3', params: [] };
    expect(keys(await firstRows(db, [descending], ORDER, 2))).toEqual(['51/49', '52/48']);
  });
});
