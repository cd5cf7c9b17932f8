import type { DeleteCounts, LifecycleStore } from '../types.js';
import type { DuckDb, Params } from './database.js';
import { Where } from './rows.js';
import { forgetSpans } from './tenant-rollup.js';

type Table = 'spans' | 'logs' | 'metric_points';
const TIME_COLUMN: Record<Table, string> = {
  spans: 'start_ns',
  logs: 'time_ns',
  metric_points: 'time_ns',
};

/** Retention and erasure: each delete runs in one transaction and reports what it removed. */
export function duckLifecycleStore(db: DuckDb): LifecycleStore {
  async function inTransaction(fn: () => Promise<DeleteCounts>): Promise<DeleteCounts> {
    await db.exec('BEGIN TRANSACTION');
    try {
      const counts = await fn();
      await db.exec('COMMIT');
      return counts;
    } catch (err) {
      await db.exec('ROLLBACK').catch(() => {});
      throw err;
    }
  }

  /**
   * Deletes the rows of `table` matching `where` and returns how many. Rows in a window compaction
   * has rewritten are first taken off the count it recorded for that window: late rows are what
   * the table has beyond that count (compact.ts), and deletions must not hide them.
   */
  async function deleteRows(table: Table, where: string, params: Params): Promise<number> {
    const time = TIME_COLUMN[table];
    await db.exec(
      `UPDATE compacted_windows AS cw SET row_count = cw.row_count - gone.n
       FROM (SELECT c.window_ns, c.window_start_ns, count(*) AS n
             FROM (SELECT ${time} AS t FROM ${table} ${where}) d
             JOIN compacted_windows c ON c.table_name = '${table}'
               AND d.t >= c.window_start_ns AND d.t < c.window_start_ns + c.window_ns
             GROUP BY ALL) gone
       WHERE cw.table_name = '${table}' AND cw.window_ns = gone.window_ns
         AND cw.window_start_ns = gone.window_start_ns`,
      params,
    );
    return db.change(`DELETE FROM ${table} ${where}`, params);
  }

  /** Spans and logs are scoped like every read (tenant_key first), so compacted days are pruned. */
  function deleteScoped(table: 'spans' | 'logs', tenantId: string, olderThanNs?: bigint) {
    const where = new Where().scope(tenantId);
    if (olderThanNs !== undefined) where.add(`${TIME_COLUMN[table]} < ?`, olderThanNs);
    if (table === 'logs') return deleteRows(table, where.sql, where.params);
    // The tenant rollup loses what the spans lose, in the same transaction.
    return forgetSpans(db, tenantId, where.sql, where.params, () =>
      deleteRows(table, where.sql, where.params),
    );
  }

  const deleteScores = (where: Where) => db.change(`DELETE FROM scores ${where.sql}`, where.params);

  return {
    deleteOlderThan(tenantId, cutoff) {
      return inTransaction(async () => ({
        spans: await deleteScoped('spans', tenantId, cutoff),
        logs: await deleteScoped('logs', tenantId, cutoff),
        metrics: await deleteRows('metric_points', 'WHERE tenant_id = ? AND time_ns < ?', [
          tenantId,
          cutoff,
        ]),
        alertEvents: await db.change(
          'DELETE FROM alert_transitions WHERE tenant_id = ? AND at_ms < ?',
          [tenantId, cutoff / 1_000_000n],
        ),
        scores: await deleteScores(new Where().scope(tenantId).add('time_ns < ?', cutoff)),
        events: await db.change('DELETE FROM change_events WHERE tenant_id = ? AND time_ns < ?', [
          tenantId,
          cutoff,
        ]),
      }));
    },
    deleteTenant(tenantId) {
      return inTransaction(async () => {
        const counts = {
          spans: await deleteScoped('spans', tenantId),
          logs: await deleteScoped('logs', tenantId),
          metrics: await deleteRows('metric_points', 'WHERE tenant_id = ?', [tenantId]),
          alertEvents: await db.change('DELETE FROM alert_transitions WHERE tenant_id = ?', [
            tenantId,
          ]),
          scores: await deleteScores(new Where().scope(tenantId)),
          events: await db.change('DELETE FROM change_events WHERE tenant_id = ?', [tenantId]),
        };
        await db.exec('DELETE FROM alert_states WHERE tenant_id = ?', [tenantId]);
        // Its claims too: they name it, and children arriving later must not be adopted by it.
        await db.exec('DELETE FROM trace_claims WHERE tenant_id = ?', [tenantId]);
        return counts;
      });
    },
    deleteUser(tenantId, userId) {
      const ERASED = 'WHERE tenant_id = ? AND trace_id IN (SELECT trace_id FROM erase_traces)';
      return inTransaction(async () => {
        // A run belongs to a user when any of its spans says so; the whole trace goes with it.
        await db.exec(
          `CREATE OR REPLACE TEMP TABLE erase_traces AS
           SELECT DISTINCT trace_id FROM spans WHERE tenant_id = ? AND user_id = ?`,
          [tenantId, userId],
        );
        const counts = {
          spans: await forgetSpans(db, tenantId, ERASED, [tenantId], () =>
            deleteRows('spans', ERASED, [tenantId]),
          ),
          logs: await deleteRows(
            'logs',
            `WHERE tenant_id = ? AND (trace_id IN (SELECT trace_id FROM erase_traces)
               OR json_extract_string(attributes, '$."user.id"') = ?)`,
            [tenantId, userId],
          ),
          metrics: 0,
          alertEvents: 0,
          // Feedback on an erased run goes with it (its comment may quote the user).
          scores: await deleteScores(
            new Where().scope(tenantId).add('trace_id IN (SELECT trace_id FROM erase_traces)'),
          ),
          events: 0,
        };
        await db.exec('DROP TABLE erase_traces');
        return counts;
      });
    },
    async listTenantIds() {
      const rows = await db.query(
        `SELECT tenant_id FROM spans GROUP BY tenant_id
         UNION SELECT tenant_id FROM logs GROUP BY tenant_id
         UNION SELECT tenant_id FROM metric_points GROUP BY tenant_id
         UNION SELECT tenant_id FROM scores GROUP BY tenant_id ORDER BY 1`,
      );
      return rows.map((r) => String(r.tenant_id));
    },
  };
}
