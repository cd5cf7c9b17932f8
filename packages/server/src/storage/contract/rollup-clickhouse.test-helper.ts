import type { openClickHouseStorage } from '../clickhouse/index.js';
import type { Storage } from '../open.js';

type ChStorage = Awaited<ReturnType<typeof openClickHouseStorage>>;

/** A sweep as the compaction job runs it on ClickHouse: it only rolls up closed hours. */
export async function chRollupSweep(s: Storage, closedBeforeNs: bigint): Promise<void> {
  await s.compactClosedWindows?.({
    windowNs: 86_400_000_000_000n,
    closedBeforeNs,
    maxRowsPerTransaction: 200_000,
    lateRowsFraction: 0.05,
  });
}

/** The tenants the rollup holds rows for (any build). */
export async function chRolledUpTenants(s: Storage): Promise<string[]> {
  const { ch } = s as ChStorage;
  const rows = await ch.query<{ t: string }>(
    `SELECT DISTINCT tenant_id AS t FROM ${ch.database}.tenant_hours ORDER BY t`,
  );
  return rows.map((r) => r.t);
}
