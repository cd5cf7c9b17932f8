import {
  CHANGE_EVENT_COLUMNS,
  changeEventFromColumns,
  changeEventToColumns,
  PLATFORM_TENANT,
} from '../change-event-columns.js';
import type { ChangeEventStore } from '../types.js';
import type { ChConnection } from './client.js';
import { deleteRows } from './lifecycle.js';
import { num } from './rows.js';
import { limit, Where } from './sql.js';

/**
 * Deploy / config-change markers (migration 5), a plain MergeTree. An id is the server's or the
 * client's (so that a retried POST stores one event): a stored one is looked up before inserting,
 * and two retries racing past that check are folded by the list's LIMIT 1 BY.
 */
export function chChangeEventStore(ch: ChConnection): ChangeEventStore {
  const db = ch.database;
  const columns = CHANGE_EVENT_COLUMNS.join(', ');
  return {
    async insertChangeEvent(e) {
      const row = changeEventToColumns(e);
      const [stored] = await ch.query(
        `SELECT ${columns} FROM ${db}.change_events ${
          new Where({ tenantId: row.tenant_id }).add('id = ?', row.id).sql
        } ORDER BY time_ns LIMIT 1`,
      );
      if (stored) return { event: changeEventFromColumns(stored), created: false };
      await ch.insert('change_events', [{ ...row, time_ns: row.time_ns.toString() }]);
      return { event: e, created: true };
    },
    async listChangeEvents(tenantId, q) {
      // One scoped SELECT for the tenant and one for the platform: each WHERE is born with its
      // tenant, so neither can reach another tenant's rows.
      const select = (tenant: string) =>
        `SELECT ${columns} FROM ${db}.change_events ${
          new Where({ tenantId: tenant }).add('time_ns >= ?', q.fromNs).add('time_ns < ?', q.toNs)
            .sql
        }`;
      const rows = await ch.query(
        `SELECT * FROM (
           SELECT * FROM (${select(tenantId)} UNION ALL ${select(PLATFORM_TENANT)})
           ORDER BY time_ns, id LIMIT 1 BY tenant_id, id)
         ORDER BY time_ns DESC, id ${limit(q.limit)}`,
      );
      return rows.map(changeEventFromColumns);
    },
    async deletePlatformEventsOlderThan(cutoff) {
      const where = new Where({ tenantId: PLATFORM_TENANT }).add('time_ns < ?', cutoff);
      const [row] = await ch.query<{ n: string }>(
        `SELECT count() AS n FROM ${db}.change_events ${where.sql}`,
      );
      const count = num(row?.n);
      if (count > 0) await deleteRows(ch, 'change_events', where.sql);
      return count;
    },
  };
}
