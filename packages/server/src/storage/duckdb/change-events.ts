import {
  CHANGE_EVENT_COLUMNS,
  changeEventFromColumns,
  changeEventToColumns,
  PLATFORM_TENANT,
} from '../change-event-columns.js';
import type { ChangeEventStore } from '../types.js';
import type { DuckDb } from './database.js';

/** Deploy / config-change markers beside the telemetry (migration 7). */
export function duckChangeEventStore(db: DuckDb): ChangeEventStore {
  return {
    async insertChangeEvent(e) {
      const row = changeEventToColumns(e);
      // The primary key (tenant_id, id) settles two retries racing each other, too.
      const created = await db.change(
        `INSERT OR IGNORE INTO change_events (${CHANGE_EVENT_COLUMNS.join(', ')})
         VALUES (${CHANGE_EVENT_COLUMNS.map(() => '?').join(', ')})`,
        CHANGE_EVENT_COLUMNS.map((c) => row[c]),
      );
      if (created > 0) return { event: e, created: true };
      const [stored] = await db.queryOnWriter(
        'SELECT * FROM change_events WHERE tenant_id = ? AND id = ?',
        [row.tenant_id, row.id],
      );
      return { event: stored ? changeEventFromColumns(stored) : e, created: false };
    },
    async listChangeEvents(tenantId, q) {
      const rows = await db.query(
        `SELECT * FROM change_events
         WHERE tenant_id IN (?, ?) AND time_ns >= ? AND time_ns < ?
         ORDER BY time_ns DESC, id LIMIT ?`,
        [tenantId, PLATFORM_TENANT, q.fromNs, q.toNs, q.limit],
      );
      return rows.map(changeEventFromColumns);
    },
    deletePlatformEventsOlderThan(cutoff) {
      return db.change('DELETE FROM change_events WHERE tenant_id = ? AND time_ns < ?', [
        PLATFORM_TENANT,
        cutoff,
      ]);
    },
  };
}
