import type { ReadStore } from '../read-types.js';
import type {
  CompactionOptions,
  SettleOptions,
  StorageBase,
  StorageEngineInfo,
  WriteBatch,
} from '../types.js';
import { chChangeEventStore } from './change-events.js';
import { ChConnection, type ClickHouseOptions } from './client.js';
import { chAlertStore, chKeyStore } from './keys-alerts.js';
import { chLifecycleStore } from './lifecycle.js';
import { doctor, runawayRuns } from './read-doctor.js';
import { fleetTotals, tenantAggregates } from './read-overview.js';
import {
  linkedTraces,
  listRuns,
  searchLogs,
  searchSpans,
  traceLogs,
  traceSpans,
} from './read-runs.js';
import { tenantBuckets, windowStats } from './read-tenants.js';
import { readTrace } from './read-trace.js';
import { whyFacets } from './read-why.js';
import { forgetRecordedHours } from './rollup-hours.js';
import { migrate } from './schema.js';
import { chScoreStore } from './scores.js';
import { rollUpClosedHours } from './tenant-rollup.js';
import { parkedSummary, settleParkedSpans } from './trace-tenants.js';
import { writeBatch } from './write.js';

export type { ClickHouseOptions } from './client.js';
export { ClickHouseError } from './errors.js';

/**
 * The ClickHouse engine for scale-out: several stateless tenantry servers over one (sharded)
 * ClickHouse. Opening connects and detects the server version; `migrate()` creates the schema.
 */
export async function openClickHouseStorage(options: ClickHouseOptions) {
  if (!/^\w+$/.test(options.database)) {
    throw new RangeError(`database name must be a plain identifier: ${options.database}`);
  }
  if (options.cluster !== undefined && !/^\w+$/.test(options.cluster)) {
    throw new RangeError(`cluster name must be a plain identifier: ${options.cluster}`);
  }
  if (options.onClusterDdl && options.cluster === undefined) {
    throw new RangeError('onClusterDdl needs a cluster');
  }
  if (options.replicatedByServer && options.cluster !== undefined) {
    // The server replicates (Cloud, a Replicated database): Distributed tables would double rows.
    throw new RangeError('replicatedByServer excludes a cluster: no Distributed tables there');
  }
  const ch = await ChConnection.open(options);
  const storage = {
    ch,
    info: (): StorageEngineInfo => ({ engine: 'clickhouse', version: ch.version }),
    migrate: () => migrate(ch),
    // The compaction job's sweep: ClickHouse sorts by itself, so the sweep only rolls up hours.
    compactClosedWindows: (options: CompactionOptions) =>
      // The overview reads would see the new hours anyway (rollup-hours.ts), a read later.
      rollUpClosedHours(ch, options).finally(() => forgetRecordedHours(ch)),
    write: (batch: WriteBatch) => writeBatch(ch, batch),
    settleParkedSpans: (options: SettleOptions) => settleParkedSpans(ch, options),
    parkedSpans: () => parkedSummary(ch),
    close: () => ch.close(),
    ...chKeyStore(ch),
    ...chAlertStore(ch),
    ...chLifecycleStore(ch),
    ...chScoreStore(ch),
    ...chChangeEventStore(ch),
    tenantAggregates: (scope, q) => tenantAggregates(ch, scope, q),
    fleetTotals: (scope, range) => fleetTotals(ch, scope, range),
    tenantBuckets: (tenantId, range, step, prices) =>
      tenantBuckets(ch, tenantId, range, step, prices),
    listRuns: (scope, f) => listRuns(ch, scope, f),
    traceSpans: (scope, traceId) => traceSpans(ch, scope, traceId),
    traceLogs: (scope, traceId) => traceLogs(ch, scope, traceId),
    readTrace: (scope, traceId) => readTrace(ch, scope, traceId),
    linkedTraces: (scope, traceId, linksTo, window) =>
      linkedTraces(ch, scope, traceId, linksTo, window),
    searchSpans: (scope, f) => searchSpans(ch, scope, f),
    searchLogs: (scope, f) => searchLogs(ch, scope, f),
    doctor: (scope, range, settled) => doctor(ch, scope, range, settled),
    windowStats: (fromMs, toMs, tenantIds) => windowStats(ch, fromMs, toMs, tenantIds),
    runawayRuns: (fromMs, toMs, t) => runawayRuns(ch, fromMs, toMs, t),
    whyFacets: (tenantId, q) => whyFacets(ch, tenantId, q),
  } satisfies StorageBase & ReadStore & { ch: ChConnection };
  return storage;
}
