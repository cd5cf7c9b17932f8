import type { AlertDataSource } from '../../alerts/source.js';
import type { NsRange } from '../read-types.js';
import {
  feedbackBucketFromColumns,
  feedbackStatsFromColumns,
  scoreFromColumns,
  scoreToColumns,
} from '../score-columns.js';
import { NEGATIVE_BELOW, type ScoreStore } from '../score-types.js';
import type { TenantScope } from '../types.js';
import type { ChConnection } from './client.js';
import { ALL_TENANTS, limit, lit, Where } from './sql.js';

const NEGATIVE = `value < ${NEGATIVE_BELOW}`;
const AGGREGATES = `count() AS f_scores, countIf(${NEGATIVE}) AS f_negative,
  sum(value) AS f_value_sum`;

function scoped(scope: TenantScope, range: NsRange): Where {
  return new Where(scope).add('time_ns >= ?', range.fromNs).add('time_ns < ?', range.toNs);
}

/** Scores on ClickHouse (schema.ts, v6); OTLP scores are inserted with their batch (write.ts). */
export function chScoreStore(
  ch: ChConnection,
): ScoreStore & Required<Pick<AlertDataSource, 'feedbackWindowStats'>> {
  const table = `${ch.database}.scores`;
  const store: ScoreStore = {
    async insertScores(rows) {
      if (rows.length > 0) await ch.insert('scores', rows.map(scoreToColumns));
    },
    async listScores(scope, q) {
      const where = scoped(scope, q.range);
      if (q.traceId !== undefined) where.add('trace_id = ?', q.traceId);
      const rows = await ch.query(
        `SELECT * FROM ${table} ${where.sql} ORDER BY time_ns DESC, score_id ${limit(q.limit, q.offset)}`,
      );
      return rows.map(scoreFromColumns);
    },
    async feedbackStats(scope, range, tenantIds) {
      const where = scoped(scope, range);
      if (tenantIds && tenantIds.length > 0) {
        where.add(`tenant_id IN (${tenantIds.map(() => '?').join(', ')})`, ...tenantIds);
      }
      const example = `${NEGATIVE} AND trace_id != ''`;
      const rows = await ch.query(
        `SELECT tenant_id, ${AGGREGATES}, argMaxIf(trace_id, time_ns, ${example}) AS f_example
         FROM ${table} ${where.sql} GROUP BY tenant_id ORDER BY tenant_id`,
      );
      return rows.map(feedbackStatsFromColumns);
    },
    async feedbackBuckets(tenantId, range, stepNs) {
      const where = scoped({ tenantId }, range);
      const step = lit(stepNs);
      const rows = await ch.query(
        `SELECT intDiv(time_ns, ${step}) * ${step} AS f_bucket, ${AGGREGATES}
         FROM ${table} ${where.sql} GROUP BY f_bucket ORDER BY f_bucket`,
      );
      return rows.map(feedbackBucketFromColumns);
    },
  };
  return {
    ...store,
    // The alert engine evaluates the whole fleet: deliberately all tenants.
    feedbackWindowStats: (fromMs, toMs) =>
      store.feedbackStats(ALL_TENANTS, {
        fromNs: BigInt(fromMs) * 1_000_000n,
        toNs: BigInt(toMs) * 1_000_000n,
      }),
  };
}
