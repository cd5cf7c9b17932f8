import { createServer } from 'node:net';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type Alerting, createAlerting } from './alerts/wiring.js';
import { createAuthenticator } from './auth/hook.js';
import { createKey } from './auth/keys.js';
import { keyRoutes } from './auth/routes.js';
import { type Clock, systemClock } from './clock.js';
import { CompactionJob } from './compaction/compaction.js';
import {
  defaultLimits,
  journalSettings,
  parseConfig,
  type TenantryConfig,
} from './config/config.js';
import { eventRoutes } from './events/routes.js';
import { type ApiPlugin, buildApp } from './http/app.js';
import { IngestPipeline, type IngestRedactor } from './ingest/pipeline.js';
import { createIngestRedactor, redactionCounter } from './ingest/redaction.js';
import { type ReplayDeps, rebuildFromJournal } from './ingest/replay.js';
import { TraceTenantSettleJob } from './ingest/settle-job.js';
import { tenantClaimReader } from './ingest/tenant.js';
import { IngestWorkerPool } from './ingest/worker-pool.js';
import { TenantLimiter } from './limits/tenant-limits.js';
import { JsonDecoder } from './otlp/json-decoder.js';
import type { QueryDeps } from './query/deps.js';
import { redactionRoutes } from './query/routes-redactions.js';
import { scoreRoutes } from './query/routes-scores.js';
import { tenantRoutes } from './query/routes-tenants.js';
import { traceRoutes } from './query/routes-traces.js';
import { whyRoutes } from './query/routes-why.js';
import { whySuspect } from './query/why-suspect.js';
import { RetentionJob } from './retention/retention.js';
import { BatchWriter, type IngestWriter } from './storage/batch-writer.js';
import { journaledClickHouse } from './storage/clickhouse/journal-mark.js';
import {
  DEFAULT_JOURNAL_OPTIONS,
  type JournaledStore,
  JournaledWriter,
  ROW_GROUP_ROWS,
} from './storage/journal/journaled-writer.js';
import { withReadBarrier } from './storage/journal/read-barrier.js';
import { SignalSplitWriter } from './storage/journal/signal-split.js';
import { openStorage, type Storage } from './storage/open.js';
import { startMetricsListener } from './telemetry/metrics-listener.js';
import { createServerMetrics, type ServerMetrics } from './telemetry/registry.js';
import { throttledLog } from './telemetry/throttled-log.js';

export interface StartServerOptions {
  /** tenantry.yaml contents (already loaded); defaults apply to what is missing. */
  config?: TenantryConfig | Record<string, unknown>;
  clock?: Clock;
  logger?: boolean;
  uiDir?: string;
  /** An already-open storage (e.g. a shared ClickHouse); otherwise opened from config. */
  storage?: Storage;
  /** Extra /api/v1 route groups. */
  api?: ApiPlugin[];
  /**
   * Built-in alerting (default true). `false` registers neither its evaluation loop nor its routes,
   * for tests that mount the alert routes over their own engine.
   */
  alerts?: boolean;
  /** Run the retention sweep on its interval (default true); tests call `retention.runOnce()`. */
  retention?: boolean;
  /**
   * Run DuckDB compaction on its interval (default true, and `compaction.enabled` in the config);
   * tests call `compaction.runOnce()`.
   */
  compaction?: boolean;
}

export interface BootstrapKeys {
  admin: string;
  ingest: string;
}

export interface RunningServer {
  url: string;
  port: number;
  app: FastifyInstance;
  storage: Storage;
  config: TenantryConfig;
  /** Set only on the first start of a data dir: the secrets are shown once, stored as hashes. */
  bootstrapKeys: BootstrapKeys | null;
  alerting: Alerting;
  retention: RetentionJob;
  compaction: CompactionJob;
  /** Settles spans parked for their trace's tenant (ingest/settle-job.ts). */
  settle: TraceTenantSettleJob;
  /** The keyless metrics listener (server.metricsListen), when there is one. */
  metricsUrl: string | null;
  close(): Promise<void>;
}

export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const config = parseConfig(options.config ?? {});
  const clock = options.clock ?? systemClock;
  const opened = options.storage ?? (await openStorage(config));
  await opened.migrate();

  const metrics = createServerMetrics();
  const limiter = new TenantLimiter(defaultLimits(config), config.limits.tenants);
  const redactor: IngestRedactor = createIngestRedactor(config.redaction, metrics);
  const claimOf = tenantClaimReader(config.ingest.tenantAttributes);
  const { writer, storage } = await ingestWriter(
    opened,
    config,
    { limiter, redactor, claimOf },
    metrics,
  );
  const pipeline = new IngestPipeline({
    limiter,
    writer,
    metrics,
    redactor,
    claimOf,
    countFindings: redactionCounter(metrics),
  });
  const workers = ingestWorkers(config, storage);
  const jsonDecoder = new JsonDecoder();
  const authenticate = createAuthenticator(storage);

  // Alert links must be absolute, so the port is known before the app is built.
  const port = config.server.port === 0 ? await freePort(config.server.host) : config.server.port;
  const host = config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host;
  const url = `http://${host}:${port}`;
  const alerting = createAlerting({
    section: config.alerts,
    storage,
    clock,
    dashboardUrl: config.server.publicUrl ?? url,
    registry: metrics.registry,
    failures: metrics.alertNotificationFailures,
    onError: (err) => app.log.error({ err }, 'alert evaluation failed'),
    suspect: whySuspect(storage),
  });

  const services = { storage, config, clock, metrics, redactor };
  const app = await buildApp({
    authenticate,
    metrics,
    otlp: {
      pipeline,
      maxBodyBytes: config.server.maxBodyBytes,
      maxCompressedBodyBytes: config.server.maxCompressedBodyBytes,
      decodeLimits: {
        maxGroups: config.limits.maxGroupsPerRequest,
        maxItems: config.limits.maxItemsPerRequest,
        maxDepth: config.limits.maxAttributeDepth,
      },
      budget: limiter,
      jsonDecoder,
      ...(workers ? { workers } : {}),
    },
    api: [
      keyRoutes(storage),
      ...(options.alerts === false ? [] : [alerting.routes]),
      ...(options.api ?? []),
      ...apiPlugins(services),
    ],
    // Not ready while writes fail (a full disk): ingest could only answer 503.
    ready: async () => {
      if (writer.failing !== null) await writer.recheck?.();
      return writer.failing === null && writer.depth < config.limits.maxQueuedItems;
    },
    uiDir: options.uiDir,
    logger: options.logger,
    requestTimeoutMs: config.server.requestTimeoutMs,
  });

  let metricsListener: Awaited<ReturnType<typeof startMetricsListener>> | null = null;
  try {
    await app.listen({ host: config.server.host, port });
    if (config.server.metricsListen) {
      metricsListener = await startMetricsListener(
        metrics.registry,
        hostPort(config.server.metricsListen),
      );
    }
  } catch (err) {
    // Release the data dir (DuckDB's lock) so a retry on another port can open it.
    await app.close();
    await workers?.pool.close();
    await writer.drain();
    await storage.close();
    throw err;
  }
  // Only once the server can serve: keys made before a failed listen were never printed, and a
  // data dir with keys gets none on its next start (tenantry keys create --data-dir recovers).
  let bootstrapKeys: BootstrapKeys | null = null;
  if ((await opened.listKeys()).length === 0) {
    const admin = await createKey(opened, { kind: 'admin', name: 'bootstrap admin' });
    const ingest = await createKey(opened, { kind: 'ingest', name: 'platform ingest' });
    bootstrapKeys = { admin: admin.secret, ingest: ingest.secret };
  }
  if (options.alerts !== false && config.server.evaluateAlerts) alerting.start();
  const retention = new RetentionJob(storage, config.retention, clock, (err) =>
    app.log.error({ err }, 'retention sweep failed'),
  );
  if (options.retention !== false) retention.start();
  const compaction = new CompactionJob(storage, config.compaction, clock, (err) =>
    app.log.error({ err }, 'compaction sweep failed'),
  );
  if (options.compaction !== false) compaction.start();
  const settle = new TraceTenantSettleJob(
    storage,
    {
      windowSeconds: config.ingest.traceTenantWindowSeconds,
      settleIntervalSeconds: config.ingest.settleIntervalSeconds,
    },
    metrics,
    (err) => app.log.error({ err }, 'settling parked spans failed'),
  );
  settle.start();

  let closed = false;
  return {
    url,
    port,
    app,
    storage,
    config,
    bootstrapKeys,
    alerting,
    retention,
    compaction,
    settle,
    metricsUrl: metricsListener?.url ?? null,
    async close() {
      if (closed) return;
      closed = true;
      await settle.stop();
      await metricsListener?.close();
      await jsonDecoder.close();
      await workers?.pool.close();
      await compaction.stop();
      await retention.stop();
      await alerting.close();
      // Stop accepting, then let every acknowledged-or-queued batch commit before closing storage.
      await app.close();
      await writer.drain();
      await storage.close();
    },
  };
}

/**
 * The ingest worker threads (ingest/worker-pool.ts), unless `ingest.workers` is 0. The embedded
 * DuckDB takes span columns; other engines take rows.
 */
function ingestWorkers(config: TenantryConfig, storage: Storage) {
  if (config.ingest.workers === 0) return null;
  const pool = new IngestWorkerPool(
    {
      redaction: config.redaction,
      limits: defaultLimits(config),
      tenantLimits: config.limits.tenants,
      tenantAttributes: config.ingest.tenantAttributes,
    },
    { workers: config.ingest.workers, maxQueuedBytes: config.ingest.workerQueueMiB * 1024 * 1024 },
    throttledLog((line) => console.error(`tenantry: ingest worker: ${line}`)),
  );
  const output: 'columns' | 'rows' = storage.info().engine === 'duckdb' ? 'columns' : 'rows';
  return { pool, output };
}

/**
 * The embedded DuckDB on disk gets the ingest journal (acknowledge once journaled, commit in large
 * transactions; storage/journal) and every telemetry read behind its barrier. On ClickHouse the
 * journal is opt-in (`storage.journal.enabled`, a persistent data dir): traces are acknowledged
 * from it and inserted in large batches; logs and metric points, which have no key a replay could
 * deduplicate on, keep waiting for their own insert. Otherwise requests wait for their own commit.
 */
async function ingestWriter(
  storage: Storage,
  config: TenantryConfig,
  replay: ReplayDeps,
  metrics: ServerMetrics,
): Promise<{ writer: IngestWriter; storage: Storage }> {
  const onClickHouse = storage.info().engine === 'clickhouse';
  const journal = journalSettings(config, onClickHouse ? 'clickhouse' : 'duckdb');
  const batchWriter = () =>
    new BatchWriter(
      storage,
      { maxQueuedItems: config.limits.maxQueuedItems, maxBatchItems: 50_000 },
      metrics,
      throttledLog((line) => console.error(`tenantry: storage write failed: ${line}`)),
    );
  if (!journal.enabled || (!onClickHouse && !storage.appliedJournalSeq)) {
    return { writer: batchWriter(), storage };
  }
  // ClickHouse's journal has a directory of its own: a DuckDB journal left in the same data dir
  // (logs and metrics included) is never replayed into ClickHouse.
  const dir = join(config.server.dataDir, onClickHouse ? 'clickhouse-journal' : 'journal');
  const store: JournaledStore = onClickHouse
    ? journaledClickHouse(storage, dir)
    : {
        write: (b) => storage.write(b),
        appliedJournalSeq: () => storage.appliedJournalSeq!(),
        heldTransaction: storage.heldTransaction,
      };
  const { writer: journaled, replay: report } = await JournaledWriter.open(
    store,
    {
      ...DEFAULT_JOURNAL_OPTIONS,
      dir,
      flushRows: journal.flushRows,
      flushIntervalMs: journal.flushIntervalMs,
      segmentBytes: journal.segmentMiB * 1024 * 1024,
      holdRows: journal.holdRowGroups && !onClickHouse ? ROW_GROUP_ROWS : 0,
      maxQueuedItems: config.limits.maxQueuedItems,
    },
    rebuildFromJournal(replay),
    throttledLog((line) => console.error(`tenantry: ingest journal: ${line}`)),
    metrics,
  );
  if (report.replayed > 0 || report.tornBytes > 0 || report.damagedSegments.length > 0) {
    console.error(
      `tenantry: ingest journal: replayed ${report.replayed} request(s) into storage` +
        (report.tornBytes > 0
          ? `; ignored ${report.tornBytes} bytes of an unacknowledged write`
          : '') +
        (report.damagedSegments.length > 0
          ? `; damaged segment(s) read up to the damage: ${report.damagedSegments.join(', ')}`
          : ''),
    );
  }
  let writer: IngestWriter = journaled;
  if (onClickHouse) {
    const split = new SignalSplitWriter(journaled, batchWriter());
    metrics.queueDepth.track(() => split.depth);
    writer = split;
  }
  return { writer, storage: withReadBarrier(storage, (strict) => journaled.visible(strict)) };
}

interface Services {
  storage: Storage;
  config: TenantryConfig;
  clock: Clock;
  metrics: ReturnType<typeof createServerMetrics>;
  redactor: IngestRedactor;
}

/** Route groups that need the server's services; query and alert routes join here. */
function apiPlugins(services: Services): ApiPlugin[] {
  const deps: QueryDeps = {
    storage: services.storage,
    clock: services.clock,
    prices: services.config.pricing.models,
    doctorGraceMs: DOCTOR_GRACE_MS,
  };
  return [
    tenantRoutes(deps),
    traceRoutes(deps),
    whyRoutes(deps),
    redactionRoutes(services.metrics),
    scoreRoutes({ ...deps, redactor: services.redactor, metrics: services.metrics }),
    eventRoutes({ storage: services.storage, clock: services.clock, redactor: services.redactor }),
  ];
}

/** Spans younger than this are not judged by default (their parent may still be in flight). */
const DOCTOR_GRACE_MS = 60_000;

/** `host:port` (validated by the config schema), IPv6 hosts in brackets. */
function hostPort(value: string): { host: string; port: number } {
  const at = value.lastIndexOf(':');
  return { host: value.slice(0, at).replace(/^\[|\]$/g, ''), port: Number(value.slice(at + 1)) };
}

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
