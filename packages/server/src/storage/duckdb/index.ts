import { join } from 'node:path';
import type { ReadStore } from '../read-types.js';
import type {
  CompactionOptions,
  SettleOptions,
  StorageBase,
  StorageEngineInfo,
  WriteBatch,
} from '../types.js';
import { duckChangeEventStore } from './change-events.js';
import { compactClosedWindows } from './compact.js';
import { DuckDb } from './database.js';
import { DuckHeldTransaction } from './held-transaction.js';
import { duckAlertStore, duckKeyStore } from './keys-alerts.js';
import { duckLifecycleStore } from './lifecycle.js';
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
import type { RecentSpanKeysOptions } from './recent-span-keys.js';
import { MIGRATIONS } from './schema.js';
import { duckScoreStore } from './scores.js';
import { DuckIngestWriter } from './write.js';

export interface DuckDbOptions {
  /** Directory holding tenantry.duckdb; ':memory:' for an in-memory database. */
  dataDir: string;
  /** Span fingerprints kept in memory for resend deduplication (see recent-span-keys.ts). */
  recentSpanKeys?: RecentSpanKeysOptions;
  /** DuckDB's memory_limit in MiB (storage.duckdb.memoryLimitMiB); DuckDB's own default without. */
  memoryLimitMiB?: number;
}

export async function openDuckDbStorage(options: DuckDbOptions) {
  const path =
    options.dataDir === ':memory:' ? ':memory:' : join(options.dataDir, 'tenantry.duckdb');
  // Four readers: a trace page reads its index, its spans' branches and its logs at once.
  const db = await DuckDb.open(path, 4, options.memoryLimitMiB);
  const ingest = new DuckIngestWriter(db, options.recentSpanKeys);
  const version = String((await db.queryOnWriter('SELECT version() AS v'))[0]?.v ?? 'unknown');
  const storage = {
    db,
    info: (): StorageEngineInfo => ({ engine: 'duckdb', version }),
    migrate: () =>
      db.exclusive(async () => {
        await db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)');
        const done = new Set(
          (await db.queryOnWriter('SELECT version FROM schema_migrations')).map((r) =>
            Number(r.version),
          ),
        );
        for (const m of MIGRATIONS) {
          if (done.has(m.version)) continue;
          for (const statement of m.statements) await db.exec(statement);
          await db.exec('INSERT INTO schema_migrations VALUES (?)', [m.version]);
        }
      }),
    write: (batch: WriteBatch) => ingest.write(batch),
    heldTransaction: new DuckHeldTransaction(db, ingest),
    settleParkedSpans: (options: SettleOptions) => ingest.settle(options),
    parkedSpans: () => ingest.parkedSpans(),
    appliedJournalSeq: () => db.exclusive(() => ingest.appliedJournalSeq()),
    // Takes the write connection one bounded transaction at a time (see compact.ts).
    compactClosedWindows: (options: CompactionOptions) => compactClosedWindows(db, options),
    close: () =>
      db.exclusive(async () => {
        // A checkpoint folds the WAL into the database file so the next start is fast.
        await db.exec('CHECKPOINT').catch(() => {});
        db.close();
      }),
    ...serialWrites(db, duckKeyStore(db), ['insertKey', 'revokeKey']),
    ...serialWrites(db, duckAlertStore(db), [
      'saveAlertStates',
      'deleteAlertStates',
      'appendAlertTransitions',
      'upsertAlertRule',
      'deleteAlertRule',
    ]),
    ...serialWrites(db, duckLifecycleStore(db), ['deleteOlderThan', 'deleteTenant', 'deleteUser']),
    ...serialWrites(db, duckScoreStore(db), ['insertScores']),
    ...serialWrites(db, duckChangeEventStore(db), [
      'insertChangeEvent',
      'deletePlatformEventsOlderThan',
    ]),
    tenantAggregates: (scope, q) => tenantAggregates(db, scope, q),
    fleetTotals: (scope, range) => fleetTotals(db, scope, range),
    tenantBuckets: (tenantId, range, step, prices) =>
      tenantBuckets(db, tenantId, range, step, prices),
    listRuns: (scope, f) => listRuns(db, scope, f),
    traceSpans: (scope, traceId) => traceSpans(db, scope, traceId),
    traceLogs: (scope, traceId) => traceLogs(db, scope, traceId),
    readTrace: (scope, traceId) => readTrace(db, scope, traceId),
    linkedTraces: (scope, traceId, linksTo, window) =>
      linkedTraces(db, scope, traceId, linksTo, window),
    searchSpans: (scope, f) => searchSpans(db, scope, f),
    searchLogs: (scope, f) => searchLogs(db, scope, f),
    doctor: (scope, range, settled) => doctor(db, scope, range, settled),
    windowStats: (fromMs, toMs, tenantIds) => windowStats(db, fromMs, toMs, tenantIds),
    runawayRuns: (fromMs, toMs, t) => runawayRuns(db, fromMs, toMs, t),
    whyFacets: (tenantId, q) => whyFacets(db, tenantId, q),
  } satisfies StorageBase & ReadStore & { db: DuckDb };
  return storage;
}

/** Routes the named methods through the single-writer queue; the rest pass through. */
function serialWrites<T extends object>(db: DuckDb, store: T, methods: Array<keyof T>): T {
  const out = { ...store };
  for (const name of methods) {
    const fn = store[name] as unknown as (...args: unknown[]) => Promise<unknown>;
    (out as Record<keyof T, unknown>)[name] = (...args: unknown[]) =>
      db.exclusive(() => fn(...args));
  }
  return out;
}
