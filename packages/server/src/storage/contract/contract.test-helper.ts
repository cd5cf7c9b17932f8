import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Storage } from '../open.js';
import type { AlertStateRecord } from '../types.js';
import { changeEventContract } from './change-events.test-helper.js';
import { dataset, MS, RANGE, span, spanId, T0_NS, traceId } from './fixtures.js';
import { readContract } from './reads.test-helper.js';
import { scoreContract } from './scores.test-helper.js';
import { traceTenantContract } from './trace-tenants.test-helper.js';
import { whyContract } from './why.test-helper.js';

/**
 * The storage contract, one suite for every engine. `open` returns a fresh, migrated, empty
 * storage each time it is called. `knownBugs`: read cases the adapter is known to fail (see
 * reads.test-helper.ts).
 */
export function storageContract(
  name: string,
  open: () => Promise<Storage>,
  knownBugs: readonly string[] = [],
): void {
  readContract(name, open, knownBugs);
  traceTenantContract(name, open);
  whyContract(name, open);
  scoreContract(name, open);
  changeEventContract(name, open);

  describe(`${name}: writes, lifecycle, keys and alerts`, () => {
    let s: Storage;
    beforeEach(async () => {
      s = await open();
    });
    afterEach(() => s?.close());

    const spanCount = async (tenantId: string | null = null) =>
      (
        await s.tenantAggregates(
          { tenantId },
          { range: RANGE, sort: 'tenant', order: 'asc', limit: 50, offset: 0, prices: {} },
        )
      ).reduce((n, r) => n + r.spans, 0);

    it('writes a batch and never double-counts a resent span', async () => {
      const batch = dataset();
      expect(await s.write(batch)).toEqual({
        spansWritten: 46,
        spansDuplicate: 0,
        logsWritten: 4,
        metricsWritten: 2,
      });
      expect(await s.write({ spans: batch.spans, logs: [], metrics: [] })).toMatchObject({
        spansWritten: 0,
        spansDuplicate: 46,
      });
      const fresh = span({ tenantId: 'alpha', traceId: traceId(77), spanId: spanId(77) });
      expect(await s.write({ spans: [fresh, { ...fresh }], logs: [], metrics: [] })).toMatchObject({
        spansWritten: 1,
        spansDuplicate: 1,
      });
      // The same ids under another tenant are another span.
      const other = { ...fresh, tenantId: 'beta' };
      expect(await s.write({ spans: [other], logs: [], metrics: [] })).toMatchObject({
        spansWritten: 1,
      });
      expect(await spanCount()).toBe(48);
      expect(await spanCount('alpha')).toBe(39);
    });

    it('deletes a tenant older than a cutoff, a user, and a whole tenant', async () => {
      await s.write(dataset());
      await s.appendAlertTransitions([
        {
          ruleId: 'r',
          tenantId: 'beta',
          from: 'pending',
          to: 'firing',
          at: 5,
          value: 1,
          threshold: 0,
        },
      ]);
      expect(await s.listTenantIds()).toEqual(['_unassigned', 'alpha', 'beta']);
      const cutoff = T0_NS + 5500n * MS;
      expect(await s.deleteOlderThan('alpha', cutoff)).toEqual({
        spans: 20,
        logs: 3,
        metrics: 0,
        alertEvents: 0,
        scores: 0,
        events: 0,
      });
      expect(await spanCount('alpha')).toBe(18);
      expect(await spanCount('beta')).toBe(7);
      expect(await s.deleteOlderThan('alpha', cutoff)).toEqual({
        spans: 0,
        logs: 0,
        metrics: 0,
        alertEvents: 0,
        scores: 0,
        events: 0,
      });
      expect(await s.deleteTenant('beta')).toEqual({
        spans: 7,
        logs: 1,
        metrics: 1,
        alertEvents: 1,
        scores: 0,
        events: 0,
      });
      expect(await s.listTenantIds()).toEqual(['_unassigned', 'alpha']);
      expect(await s.deleteTenant('beta')).toEqual({
        spans: 0,
        logs: 0,
        metrics: 0,
        alertEvents: 0,
        scores: 0,
        events: 0,
      });
    });

    it('erases one user: their runs as whole traces and their logs', async () => {
      await s.write(dataset());
      expect(await s.deleteUser('alpha', 'u-erase')).toEqual({
        spans: 8,
        logs: 3,
        metrics: 0,
        alertEvents: 0,
        scores: 0,
        events: 0,
      });
      expect(await s.traceSpans({ tenantId: null }, traceId(1))).toEqual([]);
      expect(await spanCount('alpha')).toBe(30);
      expect(await s.deleteUser('beta', 'u-erase')).toEqual({
        spans: 0,
        logs: 0,
        metrics: 0,
        alertEvents: 0,
        scores: 0,
        events: 0,
      });
    });

    it('stores keys by hash, lists them and revokes once', async () => {
      const key = {
        id: 'k1',
        hash: 'a'.repeat(64),
        prefix: 'tnt_abc',
        kind: 'read' as const,
        tenantId: 'alpha',
        name: "o'brien's key",
        createdAt: '2026-01-01T00:00:00.000Z',
        revokedAt: null,
      };
      await s.insertKey(key);
      await s.insertKey({
        ...key,
        id: 'k0',
        hash: 'b'.repeat(64),
        tenantId: null,
        kind: 'admin',
        createdAt: '2025-12-31T00:00:00.000Z',
      });
      expect(await s.findKeyByHash('a'.repeat(64))).toEqual(key);
      expect(await s.findKeyByHash('c'.repeat(64))).toBeNull();
      expect((await s.listKeys()).map((k) => k.id)).toEqual(['k0', 'k1']);
      expect(await s.revokeKey('k1', '2026-02-01T00:00:00.000Z')).toBe(true);
      expect(await s.revokeKey('k1', '2026-03-01T00:00:00.000Z')).toBe(false);
      expect(await s.revokeKey('nope', '2026-03-01T00:00:00.000Z')).toBe(false);
      expect((await s.findKeyByHash('a'.repeat(64)))?.revokedAt).toBe('2026-02-01T00:00:00.000Z');
      expect(await s.listKeys()).toHaveLength(2);
    });

    it('upserts alert states, appends and pages transitions in scope, and manages rules', async () => {
      const state = (p: Partial<AlertStateRecord>): AlertStateRecord => ({
        ruleId: 'high-failure',
        tenantId: 'alpha',
        state: 'pending',
        since: 1000,
        lastEvaluated: 1000,
        value: 0.5,
        threshold: 0.2,
        lastNotifiedAt: null,
        exampleTraceId: null,
        ruleSnapshot: null,
        suspect: null,
        ...p,
      });
      await s.saveAlertStates([state({}), state({ tenantId: 'beta', value: 0.1 })]);
      // The upsert replaces alpha's row, rule snapshot and suspect included.
      const firing = state({
        state: 'firing',
        since: 2000,
        lastNotifiedAt: 2000,
        exampleTraceId: traceId(2),
        ruleSnapshot: JSON.stringify({ id: 'high-failure', name: 'High failure rate' }),
        suspect: JSON.stringify({ summary: 'tool get_account_data failed…', failedRuns: 13 }),
      });
      await s.saveAlertStates([firing]);
      const states = (await s.loadAlertStates()).sort((a, b) =>
        a.tenantId.localeCompare(b.tenantId),
      );
      expect(states).toEqual([firing, state({ tenantId: 'beta', value: 0.1 })]);
      const t = (tenantId: string, at: number) => ({
        ruleId: 'high-failure',
        tenantId,
        from: 'pending' as const,
        to: 'firing' as const,
        at,
        value: 0.5,
        threshold: 0.2,
      });
      await s.appendAlertTransitions([t('alpha', 10), t('alpha', 30), t('beta', 20)]);
      const page1 = await s.listAlertTransitions({ tenantId: null }, { limit: 2 });
      expect(page1.items.map((x) => x.at)).toEqual([30, 20]);
      const page2 = await s.listAlertTransitions(
        { tenantId: null },
        { limit: 2, cursor: page1.nextCursor! },
      );
      expect(page2).toEqual({ items: [t('alpha', 10)], nextCursor: null });
      const alpha = await s.listAlertTransitions({ tenantId: 'alpha' }, { limit: 10, fromMs: 15 });
      expect(alpha.items).toEqual([t('alpha', 30)]);

      await s.upsertAlertRule({ id: 'r2', definition: { kind: 'x', n: 1 }, updatedAt: 'a' });
      await s.upsertAlertRule({ id: 'r1', definition: { kind: 'y' }, updatedAt: 'b' });
      await s.upsertAlertRule({ id: 'r2', definition: { kind: 'x', n: 2 }, updatedAt: 'c' });
      expect(await s.listAlertRules()).toEqual([
        { id: 'r1', definition: { kind: 'y' }, updatedAt: 'b' },
        { id: 'r2', definition: { kind: 'x', n: 2 }, updatedAt: 'c' },
      ]);
      expect(await s.deleteAlertRule('r1')).toBe(true);
      expect(await s.deleteAlertRule('r1')).toBe(false);
      expect((await s.listAlertRules()).map((r) => r.id)).toEqual(['r2']);

      // A deleted rule's states go; other rules' stay, and saving the pair again brings it back.
      await s.saveAlertStates([state({ ruleId: 'other' })]);
      await s.deleteAlertStates('high-failure');
      expect((await s.loadAlertStates()).map((x) => x.ruleId)).toEqual(['other']);
      await s.saveAlertStates([state({})]);
      expect((await s.loadAlertStates()).map((x) => x.ruleId).sort()).toEqual([
        'high-failure',
        'other',
      ]);
    });

    it('names its engine and version', () => {
      const info = s.info();
      expect(info.version).toMatch(/\d/);
      expect(name.toLowerCase()).toContain(info.engine);
    });
  });
}
