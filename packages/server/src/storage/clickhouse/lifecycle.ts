import type { DeleteCounts, LifecycleStore } from '../types.js';
import type { ChConnection } from './client.js';
import { ClickHouseError } from './errors.js';
import { num } from './rows.js';
import { localTable, type TableName } from './schema.js';
import { ALL_TENANTS, litList, Where } from './sql.js';
import { HOUR_NS, hasRollup } from './tenant-rollup.js';

const MUTATION_TIMEOUT_MS = 120_000;

/** The UTC day of a nanosecond time as trace_index's `day` holds it (toYYYYMMDD). */
function yyyymmdd(ns: bigint): number {
  const d = new Date(Number(ns / 1_000_000n));
  return d.getUTCFullYear() * 10_000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
}

/**
 * Waits until every node reports the mutations of its local `table` done (mutations are
 * asynchronous): once it returns, rows an ALTER ... DELETE matched are gone.
 */
export async function waitForMutations(ch: ChConnection, table: TableName): Promise<void> {
  const [db, name] = localTable(ch, table).split('.');
  const nodes = ch.ddlNodes;
  const deadline = Date.now() + MUTATION_TIMEOUT_MS;
  for (;;) {
    let pending = 0;
    for (let node = 0; node < nodes; node++) {
      const rows = await ch.queryOn<{ n: string }>(
        node,
        `SELECT count() AS n FROM system.mutations WHERE database = '${db}' AND table = '${name}' AND is_done = 0`,
      );
      pending += num(rows[0]?.n);
    }
    if (pending === 0) return;
    if (Date.now() > deadline) {
      throw new ClickHouseError(`mutations on ${table} did not finish within 120 s`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * Deletes rows of a local table on every shard and returns once they are gone. From 20.3 the
 * statement itself waits (`mutations_sync = 2`, every replica); 18.16 polls `system.mutations`,
 * and so does every version after the statement, which costs one query when nothing is left.
 */
export async function deleteRows(ch: ChConnection, table: TableName, whereSql: string) {
  const settings: Record<string, number> = ch.features.mutationsSync ? { mutations_sync: 2 } : {};
  for (let node = 0; node < ch.ddlNodes; node++) {
    await ch.exec(
      `ALTER TABLE ${localTable(ch, table)}${ch.onCluster} DELETE ${whereSql}`,
      node,
      settings,
    );
  }
  await waitForMutations(ch, table);
}

/**
 * Retention and erasure as ALTER TABLE ... DELETE mutations on each shard's local table (18.16 has
 * no lightweight DELETE and no ON CLUSTER without ZooKeeper). Mutations are asynchronous, so each
 * delete waits until every node reports it done: when the call returns, the rows are gone.
 * Rows are counted first and a mutation is only issued when there is something to delete, so a
 * retention sweep over tenants with nothing expired rewrites no parts.
 */
export function chLifecycleStore(ch: ChConnection): LifecycleStore {
  const db = ch.database;

  /** Deletes matching rows everywhere and returns how many (deduplicated) rows matched. */
  async function deleteWhere(table: TableName, where: Where): Promise<number> {
    const final = table === 'spans' ? ' FINAL' : '';
    const [row] = await ch.query<{ n: string }>(
      `SELECT count() AS n FROM ${db}.${table}${final} ${where.sql}`,
    );
    const count = num(row?.n);
    if (count === 0) return 0;
    await deleteRows(ch, table, where.sql);
    return count;
  }

  const tenant = (tenantId: string) => new Where({ tenantId });

  /**
   * The tenant rollup after a tenant's spans of `hours` were deleted: the tenant's rows of those
   * hours go, and the hours' records too, so reads scan them until the next sweep rolls them up
   * again from what is left (tenant-rollup.ts). Spans are deleted first: a sweep that ran between
   * the two rolls up the deleted state or is caught by its changed span count.
   */
  async function forgetHours(tenantId: string, hours: bigint[]): Promise<void> {
    if (!hasRollup(ch) || hours.length === 0) return;
    const list = litList(hours);
    await deleteWhere('tenant_hours', tenant(tenantId).add(`hour IN (${list})`));
    await deleteWhere('tenant_hours_done', new Where(ALL_TENANTS).add(`hour IN (${list})`));
  }

  /** The hours holding the tenant's spans that `where` matches. */
  async function hoursOf(where: Where): Promise<bigint[]> {
    if (!hasRollup(ch)) return [];
    const rows = await ch.query<{ h: string }>(
      `SELECT DISTINCT intDiv(start_ns, ${HOUR_NS}) * ${HOUR_NS} AS h FROM ${db}.spans ${where.sql}`,
    );
    return rows.map((r) => BigInt(r.h));
  }

  return {
    async deleteOlderThan(tenantId, cutoff) {
      // The trace index's entries of whole days before the cutoff's day (a day partly kept keeps
      // its entries: a stale one only costs a look-up one granule).
      await deleteWhere('trace_index', tenant(tenantId).add('day < ?', yyyymmdd(cutoff)));
      // Whole hours before the cutoff lose the tenant's rollup rows; the hour the cutoff cuts
      // (when the tenant has spans in it before the cutoff) is rolled up again.
      const cut = (cutoff / HOUR_NS) * HOUR_NS;
      const partial = await hoursOf(
        tenant(tenantId).add('start_ns >= ? AND start_ns < ?', cut, cutoff),
      );
      const spans = await deleteWhere('spans', tenant(tenantId).add('start_ns < ?', cutoff));
      if (hasRollup(ch)) await deleteWhere('tenant_hours', tenant(tenantId).add('hour < ?', cut));
      await forgetHours(tenantId, partial);
      return {
        spans,
        logs: await deleteWhere('logs', tenant(tenantId).add('time_ns < ?', cutoff)),
        metrics: await deleteWhere('metric_points', tenant(tenantId).add('time_ns < ?', cutoff)),
        alertEvents: await deleteWhere(
          'alert_transitions',
          tenant(tenantId).add('at_ms < ?', cutoff / 1_000_000n),
        ),
        scores: await deleteWhere('scores', tenant(tenantId).add('time_ns < ?', cutoff)),
        events: await deleteWhere('change_events', tenant(tenantId).add('time_ns < ?', cutoff)),
      };
    },
    async deleteTenant(tenantId) {
      const counts: DeleteCounts = {
        spans: await deleteWhere('spans', tenant(tenantId)),
        logs: await deleteWhere('logs', tenant(tenantId)),
        metrics: await deleteWhere('metric_points', tenant(tenantId)),
        alertEvents: await deleteWhere('alert_transitions', tenant(tenantId)),
        scores: await deleteWhere('scores', tenant(tenantId)),
        events: await deleteWhere('change_events', tenant(tenantId)),
      };
      await deleteWhere('alert_states', tenant(tenantId));
      // Erasure leaves nothing naming the tenant: not even which trace keys it had.
      await deleteWhere('trace_index', tenant(tenantId));
      // Nor its trace claims, which children arriving later would otherwise still be adopted by.
      await deleteWhere('trace_claims', tenant(tenantId));
      // And not its rollup rows (the other tenants' rows of those hours stay exact).
      if (hasRollup(ch)) await deleteWhere('tenant_hours', tenant(tenantId));
      return counts;
    },
    async deleteUser(tenantId, userId) {
      // A run belongs to a user when any of its spans says so; the whole trace goes with it.
      const traces = (
        await ch.query<{ trace_id: string }>(
          `SELECT DISTINCT trace_id FROM ${db}.spans ${tenant(tenantId).add('user_id = ?', userId).sql}`,
        )
      ).map((r) => r.trace_id);
      const inTraces = traces.length > 0 ? `trace_id IN (${litList(traces)})` : '0';
      const userAttr = ch.features.jsonExtract
        ? `JSONExtractString(attributes, 'user.id') = ?`
        : `visitParamExtractString(attributes, 'user.id') = ?`;
      const hours = traces.length > 0 ? await hoursOf(tenant(tenantId).add(inTraces)) : [];
      const spans =
        traces.length > 0 ? await deleteWhere('spans', tenant(tenantId).add(inTraces)) : 0;
      await forgetHours(tenantId, hours);
      return {
        spans,
        logs: await deleteWhere(
          'logs',
          tenant(tenantId).add(`(${inTraces} OR ${userAttr})`, userId),
        ),
        metrics: 0,
        alertEvents: 0,
        // Feedback on an erased run goes with it (its comment may quote the user).
        scores: traces.length > 0 ? await deleteWhere('scores', tenant(tenantId).add(inTraces)) : 0,
        events: 0,
      };
    },
    async listTenantIds() {
      const all = new Where(ALL_TENANTS).sql;
      const rows = await ch.query<{ tenant_id: string }>(
        `SELECT DISTINCT tenant_id FROM (
           SELECT tenant_id FROM ${db}.spans ${all} GROUP BY tenant_id
           UNION ALL SELECT tenant_id FROM ${db}.logs GROUP BY tenant_id
           UNION ALL SELECT tenant_id FROM ${db}.metric_points GROUP BY tenant_id
           UNION ALL SELECT tenant_id FROM ${db}.scores GROUP BY tenant_id)
         ORDER BY tenant_id`,
      );
      return rows.map((r) => r.tenant_id);
    },
  };
}
