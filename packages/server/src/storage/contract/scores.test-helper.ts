import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Storage } from '../open.js';
import type { ScoreRow } from '../score-types.js';
import { dataset, log, MS, RANGE, T0_NS, traceId } from './fixtures.js';

/** A score on alpha's run `run` (1..10), `seconds` after T0. */
function score(p: Partial<ScoreRow> & { n: number; value: number }): ScoreRow {
  const { n, ...rest } = p;
  return {
    tenantId: 'alpha',
    scoreId: `s-${n}`,
    timeUnixNano: T0_NS + BigInt(n) * 1000n * MS,
    traceId: traceId(n),
    spanId: '',
    name: 'user_feedback',
    label: null,
    comment: null,
    source: 'api',
    ...rest,
  };
}

/**
 * Scores and feedback (storage/score-types.ts) on every engine: stored from a batch's log records
 * and from the API, listed and counted per tenant, erased and expired with the tenant's data.
 */
export function scoreContract(name: string, open: () => Promise<Storage>): void {
  describe(`${name}: scores and feedback`, () => {
    let s: Storage;
    beforeEach(async () => {
      s = await open();
      await s.write(dataset());
    });
    afterEach(() => s?.close());

    it('stores the score a log record carries in the same write, and scores sent to the API', async () => {
      const fromLog = score({
        n: 2,
        value: 0,
        label: 'wrong',
        comment: "it's wrong",
        source: 'otlp',
      });
      const record = log({
        tenantId: 'alpha',
        body: '',
        traceId: traceId(2),
        timeUnixNano: fromLog.timeUnixNano,
        score: fromLog,
      });
      expect(await s.write({ spans: [], logs: [record], metrics: [] })).toMatchObject({
        logsWritten: 1,
      });
      await s.insertScores([
        score({ n: 3, value: 1, label: 'correct' }),
        score({ n: 4, value: 0.25, tenantId: 'beta', traceId: traceId(101) }),
      ]);
      const all = await s.listScores({ tenantId: null }, { range: RANGE, limit: 10, offset: 0 });
      expect(all.map((r) => r.scoreId)).toEqual(['s-4', 's-3', 's-2']);
      expect(all[2]).toEqual(fromLog);
      // A tenant-bound scope never sees another tenant's scores, even by trace id.
      const alpha = await s.listScores(
        { tenantId: 'alpha' },
        { range: RANGE, limit: 10, offset: 0 },
      );
      expect(alpha.map((r) => r.scoreId)).toEqual(['s-3', 's-2']);
      const other = await s.listScores(
        { tenantId: 'alpha' },
        { range: RANGE, traceId: traceId(101), limit: 10, offset: 0 },
      );
      expect(other).toEqual([]);
      const byRun = await s.listScores(
        { tenantId: 'alpha' },
        { range: RANGE, traceId: traceId(2), limit: 10, offset: 0 },
      );
      expect(byRun.map((r) => r.scoreId)).toEqual(['s-2']);
      const page2 = await s.listScores({ tenantId: null }, { range: RANGE, limit: 2, offset: 2 });
      expect(page2.map((r) => r.scoreId)).toEqual(['s-2']);
    });

    it('counts feedback per tenant: scores, negative ones, the sum of values, the latest negative run', async () => {
      await s.insertScores([
        score({ n: 1, value: 0 }),
        score({ n: 2, value: 0.25 }),
        score({ n: 3, value: 0.5 }),
        score({ n: 4, value: 1 }),
        score({ n: 5, value: 0.125, traceId: '' }),
        score({ n: 6, value: 0, tenantId: 'beta', traceId: traceId(102) }),
        // Outside the range.
        score({ n: 7, value: 0, timeUnixNano: RANGE.toNs }),
      ]);
      const stats = await s.feedbackStats({ tenantId: null }, RANGE);
      expect(stats).toEqual([
        {
          tenantId: 'alpha',
          scores: 5,
          negative: 3,
          valueSum: 1.875,
          // Run 5's score names no run: the latest negative score on a run is run 2's.
          exampleNegativeTraceId: traceId(2),
        },
        {
          tenantId: 'beta',
          scores: 1,
          negative: 1,
          valueSum: 0,
          exampleNegativeTraceId: traceId(102),
        },
      ]);
      // A one-tenant scope reads its row alone (DuckDB: without a GROUP BY), the same row.
      for (const tenantId of ['alpha', 'beta']) {
        expect(await s.feedbackStats({ tenantId }, RANGE)).toEqual(
          stats.filter((r) => r.tenantId === tenantId),
        );
      }
      expect(await s.feedbackStats({ tenantId: 'nobody' }, RANGE)).toEqual([]);
      expect(
        (await s.feedbackStats({ tenantId: null }, RANGE, ['beta'])).map((r) => r.tenantId),
      ).toEqual(['beta']);
      // T0 is a multiple of 4 s since the epoch: runs 1-3 in the first bucket, 4-5 in the next.
      const buckets = await s.feedbackBuckets('alpha', RANGE, 4000n * MS);
      const t0Ms = Number(T0_NS / MS);
      expect(buckets).toEqual([
        { bucket: t0Ms, scores: 3, negative: 2, valueSum: 0.75 },
        { bucket: t0Ms + 4000, scores: 2, negative: 1, valueSum: 1.125 },
      ]);
    });

    it('compares the negatively scored runs with the rest in the why facets, within the tenant', async () => {
      await s.insertScores([
        score({ n: 4, value: 0 }),
        score({ n: 6, value: 0.25 }),
        // A later thumbs-down on a run counts whenever it was given.
        score({ n: 8, value: 0, timeUnixNano: RANGE.toNs + 3_600_000n * MS }),
        score({ n: 3, value: 1 }),
        // Another tenant's score on alpha's trace id never marks alpha's run.
        score({ n: 5, value: 0, tenantId: 'beta' }),
      ]);
      const counts = await s.whyFacets('alpha', {
        range: RANGE,
        perField: 10,
        cohort: 'negative_feedback',
      });
      expect([counts.runs, counts.failedRuns]).toEqual([10, 3]);
      const agent = (value: string) =>
        counts.facets.find((f) => f.field === 'agent.name' && f.value === value);
      expect(agent('billing')).toMatchObject({
        failed: 3,
        passed: 2,
        failedTraceId: traceId(8),
      });
      expect(agent('support')).toMatchObject({ failed: 0, passed: 5, failedTraceId: null });
      // The default cohort is still the failed runs.
      const failed = await s.whyFacets('alpha', { range: RANGE, perField: 10 });
      expect(failed.failedRuns).toBe(2);
    });

    it('expires, erases with a user and deletes with the tenant', async () => {
      await s.insertScores([
        score({ n: 1, value: 0, comment: 'the user said so' }),
        score({ n: 6, value: 1 }),
        score({ n: 8, value: 0 }),
        score({ n: 1, value: 1, tenantId: 'gamma', traceId: traceId(1) }),
      ]);
      expect(await s.listTenantIds()).toContain('gamma');
      // Run 1 belongs to u-erase: its feedback goes with it.
      expect((await s.deleteUser('alpha', 'u-erase')).scores).toBe(1);
      expect((await s.deleteOlderThan('alpha', T0_NS + 7000n * MS)).scores).toBe(1);
      const left = await s.listScores({ tenantId: null }, { range: RANGE, limit: 10, offset: 0 });
      expect(left.map((r) => `${r.tenantId}/${r.scoreId}`)).toEqual(['alpha/s-8', 'gamma/s-1']);
      expect((await s.deleteTenant('gamma')).scores).toBe(1);
      expect((await s.deleteTenant('gamma')).scores).toBe(0);
      expect(await s.listTenantIds()).not.toContain('gamma');
    });
  });
}
