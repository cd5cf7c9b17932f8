import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnClickHouse } from '../../../../../test/helpers/chdb.js';
import { dataset, PRICES, RANGE, traceId } from '../contract/fixtures.js';
import { openClickHouseStorage } from './index.js';
import { spanToRow } from './rows.js';

/**
 * Two servers racing on the same resent span can both pass the write-time look-up and both insert
 * it. Planted here directly: every read must still count it once before ClickHouse merges.
 */
describeOnClickHouse('ClickHouse reads with unmerged duplicate spans', (target) => {
  let storage: Awaited<ReturnType<typeof openClickHouseStorage>>;
  beforeAll(async () => {
    storage = await openClickHouseStorage(target().options('dedup'));
    await storage.migrate();
    const batch = dataset();
    await storage.write(batch);
    // The racing writer's copy, as a separate part.
    await storage.ch.insert('spans', batch.spans.map(spanToRow));
    const [parts] = await storage.ch.query<{ n: string }>(
      `SELECT count() AS n FROM system.parts WHERE database = 'dedup' AND table = 'spans' AND active`,
    );
    expect(Number(parts?.n)).toBeGreaterThan(1);
  });
  afterAll(async () => {
    await storage?.close();
  });

  it('counts every span once in aggregates, runs, traces, searches and alerts', async () => {
    const [alpha] = await storage.tenantAggregates(
      { tenantId: 'alpha' },
      { range: RANGE, sort: 'tenant', order: 'asc', limit: 10, offset: 0, prices: PRICES },
    );
    expect(alpha).toMatchObject({
      spans: 38,
      runs: 10,
      llmCalls: 10,
      toolCalls: 15,
      inputTokens: 5500,
    });
    expect((await storage.fleetTotals({ tenantId: null }, RANGE)).runs).toBe(14);
    const runs = await storage.listRuns(
      { tenantId: 'alpha' },
      { range: RANGE, limit: 50, offset: 0 },
    );
    expect(runs).toHaveLength(10);
    expect(runs[9]).toMatchObject({ toolCalls: 6, llmCalls: 1, inputTokens: 100 });
    expect(await storage.traceSpans({ tenantId: 'alpha' }, traceId(1))).toHaveLength(8);
    const found = await storage.searchSpans(
      { tenantId: 'alpha' },
      { range: RANGE, tool: 'search', attributes: [], limit: 100, offset: 0 },
    );
    expect(found).toHaveLength(15);
    const fromMs = Number(RANGE.fromNs / 1_000_000n);
    const toMs = Number(RANGE.toNs / 1_000_000n);
    const stats = await storage.windowStats(fromMs, toMs, ['alpha']);
    expect(stats[0]).toMatchObject({ runs: 10, failedRuns: 2, toolCalls: 15 });
    const doctor = await storage.doctor({ tenantId: null }, RANGE, RANGE.toNs);
    expect([
      doctor.orphanSpans.count,
      doctor.missingTenant.count,
      doctor.unfinishedRuns.count,
    ]).toEqual([2, 1, 1]);
    expect(await storage.deleteTenant('beta')).toMatchObject({ spans: 7 });
  });
});
