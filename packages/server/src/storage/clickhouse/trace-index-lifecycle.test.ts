import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnClickHouse } from '../../../../../test/helpers/chdb.js';
import { dataset, T0_NS } from '../contract/fixtures.js';
import { openClickHouseStorage } from './index.js';

/**
 * The trace index (schema v7) is filled by a materialized view on spans, beside the write path, so
 * erasure and retention must reach it themselves: after a tenant is erased nothing names it, and
 * retention drops the entries of the whole days it removed.
 */
type ChStorage = Awaited<ReturnType<typeof openClickHouseStorage>>;
const DAY_NS = 86_400_000_000_000n;

describeOnClickHouse('ClickHouse trace index under erasure and retention', (target) => {
  let s: ChStorage;
  beforeAll(async () => {
    s = await openClickHouseStorage(target().options('trace_index_lifecycle'));
    await s.migrate();
    await s.write(dataset());
  });
  afterAll(() => s?.close());

  const entries = async (tenantId: string) =>
    Number(
      (
        await s.ch.query<{ n: string }>(
          `SELECT count() AS n FROM ${s.ch.database}.trace_index WHERE tenant_id = '${tenantId}'`,
        )
      )[0]?.n ?? 0,
    );

  it('forgets an erased tenant entirely', async () => {
    expect(await entries('beta')).toBeGreaterThan(0);
    await s.deleteTenant('beta');
    expect(await entries('beta')).toBe(0);
    expect(await entries('alpha')).toBeGreaterThan(0);
  });

  it('drops the entries of whole days before a retention cutoff, and keeps the cutoff day', async () => {
    expect(await entries('alpha')).toBeGreaterThan(0);
    // A cutoff inside the fixtures' day keeps that day's entries ...
    await s.deleteOlderThan('alpha', T0_NS + 1n);
    expect(await entries('alpha')).toBeGreaterThan(0);
    // ... one two days later removes every span of the day, and its entries with them.
    await s.deleteOlderThan('alpha', T0_NS + 2n * DAY_NS);
    expect(await entries('alpha')).toBe(0);
  });
});
