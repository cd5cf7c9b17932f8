import { describe, expect, it } from 'vitest';
import { MS, span, spanId, traceId } from '../contract/fixtures.js';
import type { SpanRow } from '../types.js';
import { openDuckDbStorage } from './index.js';

const HOUR_NS = 3_600_000n * MS;
const DAY_NS = 24n * HOUR_NS;
/** Midnight UTC of some day: the compaction window [DAY0, DAY0 + 1 day). */
const DAY0 = 20_000n * DAY_NS;
const TENANTS = ['t-a', 't-b', 't-c'];

/** A run of every tenant every 10 minutes of the day, in arrival (time) order. */
function day(): SpanRow[] {
  const rows: SpanRow[] = [];
  for (let i = 0; i < 144; i++) {
    TENANTS.forEach((tenantId, t) => {
      const n = i * TENANTS.length + t;
      rows.push(
        span({
          tenantId,
          traceId: traceId(n + 1),
          spanId: spanId(n + 1),
          startTimeUnixNano: DAY0 + BigInt(i) * 600_000n * MS,
          isRun: true,
          operation: 'invoke_agent',
        }),
      );
    });
  }
  return rows;
}

describe('duckdb tenant rollup layout', () => {
  it('answers a tenant-bound scope with its row of the admin page, an unpriced model named once', async () => {
    const storage = await openDuckDbStorage({ dataDir: ':memory:' });
    await storage.migrate();
    // Every run calls a model: a priced one, and an unpriced one on every other run, so the unpriced
    // model sits in every hour's rollup rows.
    const spans = day().flatMap((run, n) => [
      { ...run, durationNs: BigInt(1 + (n % 17)) * MS },
      span({
        tenantId: run.tenantId,
        traceId: run.traceId,
        spanId: spanId(10_000 + n),
        parentSpanId: run.spanId,
        startTimeUnixNano: run.startTimeUnixNano,
        operation: 'chat',
        model: n % 2 === 0 ? 'mystery' : 'gpt-4o',
        inputTokens: 100 + n,
        outputTokens: 10,
      }),
    ]);
    await storage.write({ spans, logs: [], metrics: [] });
    await storage.compactClosedWindows({
      windowNs: DAY_NS,
      closedBeforeNs: DAY0 + DAY_NS + HOUR_NS,
      maxRowsPerTransaction: 200_000,
      lateRowsFraction: 0.05,
    });
    // Whole hours from the rollup, the ragged ends from spans.
    const range = { fromNs: DAY0 + HOUR_NS / 2n, toNs: DAY0 + DAY_NS - HOUR_NS / 3n };
    const q = {
      range,
      sort: 'tenant',
      order: 'asc',
      limit: 10,
      offset: 0,
      prices: { 'gpt-4o': { input: 2.5, output: 10 } },
    } as const;
    const page = await storage.tenantAggregates({ tenantId: null }, q);
    expect(page.map((r) => r.tenantId)).toEqual(TENANTS);
    for (const row of page) {
      expect(row.unpricedModels).toEqual(['mystery']);
      expect(await storage.tenantAggregates({ tenantId: row.tenantId }, q)).toEqual([row]);
    }
    const none = { ...q, range: { fromNs: DAY0 - DAY_NS, toNs: DAY0 } };
    expect(await storage.tenantAggregates({ tenantId: 't-a' }, none)).toEqual([]);
    await storage.close();
  });

  it('stores a closed day rolled up hour by hour tenant by tenant, its numbers unchanged', async () => {
    const storage = await openDuckDbStorage({ dataDir: ':memory:' });
    await storage.migrate();
    await storage.write({ spans: day(), logs: [], metrics: [] });
    const sweep = (closedBeforeNs: bigint) =>
      storage.compactClosedWindows({
        windowNs: DAY_NS,
        closedBeforeNs,
        maxRowsPerTransaction: 200_000,
        lateRowsFraction: 0.05,
      });
    /** Tenant ids of the day's rollup rows in the order they are stored. */
    const stored = async () =>
      (
        await storage.db.query(
          'SELECT tenant_id, hour_ns FROM tenant_hours WHERE hour_ns >= ? AND hour_ns < ? ORDER BY rowid',
          [DAY0, DAY0 + DAY_NS],
        )
      ).map((r) => `${r.tenant_id} ${(BigInt(r.hour_ns as bigint) - DAY0) / HOUR_NS}`);
    const range = { fromNs: DAY0, toNs: DAY0 + DAY_NS };
    const q = { range, sort: 'tenant', order: 'asc', limit: 10, offset: 0, prices: {} } as const;

    // While the day is open, each sweep adds the hours closed since, each hour's rows by tenant.
    await sweep(DAY0 + 5n * HOUR_NS);
    await sweep(DAY0 + 12n * HOUR_NS);
    const open = await stored();
    expect(open).toHaveLength(12 * TENANTS.length);
    expect(open.slice(0, 6)).toEqual(['t-a 0', 't-a 1', 't-a 2', 't-a 3', 't-a 4', 't-b 0']);
    expect(open[15]).toBe('t-a 5');
    const before = await storage.tenantAggregates({ tenantId: null }, q);

    // The sweep that rolls up the day's last hours rewrites the whole day in tenant order.
    await sweep(DAY0 + DAY_NS + HOUR_NS);
    const hours = Array.from({ length: 24 }, (_, h) => h);
    expect(await stored()).toEqual(TENANTS.flatMap((t) => hours.map((h) => `${t} ${h}`)));
    // The day's numbers (half from the rollup and half from spans before) are what they were.
    const after = await storage.tenantAggregates({ tenantId: null }, q);
    expect(after.map((r) => r.runs)).toEqual([144, 144, 144]);
    expect(after).toEqual(before);
    await storage.close();
  });

  it('sorts an existing rollup tenant by tenant within each day when migrated (schema v13)', async () => {
    const storage = await openDuckDbStorage({ dataDir: ':memory:' });
    await storage.migrate();
    // Two days of rows as the sweep wrote them before: hour by hour.
    await storage.db.exclusive(() =>
      storage.db.exec(
        `INSERT INTO tenant_hours SELECT ${DAY0} + h * ${HOUR_NS}, 't-' || t, NULL, 1, 1, 0, 0, 0, 0,
           0, 0, 0, 0, [1000]
         FROM range(48) a(h), range(3) b(t) ORDER BY h, t`,
      ),
    );
    await storage.db.exclusive(() =>
      storage.db.exec('DELETE FROM schema_migrations WHERE version = 13'),
    );
    await storage.migrate();
    const rows = await storage.db.query(
      'SELECT tenant_id, hour_ns FROM tenant_hours ORDER BY rowid',
    );
    const expected = [0n, 1n].flatMap((d) =>
      [0, 1, 2].flatMap((t) =>
        Array.from({ length: 24 }, (_, h) => `t-${t} ${d * 24n + BigInt(h)}`),
      ),
    );
    expect(
      rows.map((r) => `${r.tenant_id} ${(BigInt(r.hour_ns as bigint) - DAY0) / HOUR_NS}`),
    ).toEqual(expected);
    await storage.close();
  });
});
