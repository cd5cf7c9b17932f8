import type { DeleteCounts, LifecycleStore } from '../types.js';
import type { DuckDb } from './database.js';
import { Where } from './rows.js';

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

  /** Spans and logs are scoped like every read (tenant_key first), so compacted days are pruned. */
  function deleteScoped(table: 'spans' | 'logs', tenantId: string, olderThanNs?: bigint) {
    const where = new Where().scope(tenantId);
    if (olderThanNs !== undefined) {
      where.add(`${table === 'spans' ? 'start_ns' : 'time_ns'} < ?`, olderThanNs);
    }
    return db.change(`DELETE FROM ${table} ${where.sql}`, where.params);
  }

  return {
    deleteOlderThan(tenantId, cutoff) {
      return inTransaction(async () => ({
        spans: await deleteScoped('spans', tenantId, cutoff),
        logs: await deleteScoped('logs', tenantId, cutoff),
        metrics: await db.change('DELETE FROM metric_points WHERE tenant_id = ? AND time_ns < ?', [
          tenantId,
          cutoff,
        ]),
        alertEvents: await db.change(
          'DELETE FROM alert_transitions WHERE tenant_id = ? AND at_ms < ?',
          [tenantId, cutoff / 1_000_000n],
        ),
      }));
    },
    deleteTenant(tenantId) {
      return inTransaction(async () => {
        const counts = {
          spans: await deleteScoped('spans', tenantId),
          logs: await deleteScoped('logs', tenantId),
          metrics: await db.change('DELETE FROM metric_points WHERE tenant_id = ?', [tenantId]),
          alertEvents: await db.change('DELETE FROM alert_transitions WHERE tenant_id = ?', [
            tenantId,
          ]),
        };
        await db.exec('DELETE FROM alert_states WHERE tenant_id = ?', [tenantId]);
        return counts;
      });
    },
    deleteUser(tenantId, userId) {
      return inTransaction(async () => {
        // A run belongs to a user when any of its spans says so; the whole trace goes with it.
        await db.exec(
          `CREATE OR REPLACE TEMP TABLE erase_traces AS
           SELECT DISTINCT trace_id FROM spans WHERE tenant_id = ? AND user_id = ?`,
          [tenantId, userId],
        );
        const counts = {
          spans: await db.change(
            'DELETE FROM spans WHERE tenant_id = ? AND trace_id IN (SELECT trace_id FROM erase_traces)',
            [tenantId],
          ),
          logs: await db.change(
            `DELETE FROM logs WHERE tenant_id = ? AND (trace_id IN (SELECT trace_id FROM erase_traces)
               OR json_extract_string(attributes, '$."user.id"') = ?)`,
            [tenantId, userId],
          ),
          metrics: 0,
          alertEvents: 0,
        };
        await db.exec('DROP TABLE erase_traces');
        return counts;
      });
    },
    async listTenantIds() {
      const rows = await db.query(
        `SELECT tenant_id FROM spans GROUP BY tenant_id
         UNION SELECT tenant_id FROM logs GROUP BY tenant_id
         UNION SELECT tenant_id FROM metric_points GROUP BY tenant_id ORDER BY 1`,
      );
      return rows.map((r) => String(r.tenant_id));
    },
  };
}
