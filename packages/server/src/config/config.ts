import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { DEFAULT_COMPACTION } from '../compaction/compaction.js';
import { TenantryError } from '../errors.js';
import { DEFAULT_TRACE_TENANT_SETTINGS } from '../ingest/settle-job.js';
import { DEFAULT_TENANT_ATTRIBUTES } from '../ingest/tenant.js';
import { DEFAULT_INGEST_LIMITS } from '../limits/tenant-limits.js';
import { DEFAULT_DECODE_LIMITS } from '../otlp/decode-limits.js';
import { applyClickHouseEnv, clickHouseConfigSchema } from '../storage/clickhouse/config.js';
import { duckDbConfigSchema } from '../storage/duckdb/config.js';

/** tenantry.yaml, the environment or a flag holds a value that is not valid. */
export class InvalidConfigError extends TenantryError {
  constructor(message: string) {
    super('TENANTRY_E_INVALID_CONFIG', message);
  }
}

const limitsSchema = z
  .object({
    itemsPerSecond: z.number().positive(),
    burstItems: z.number().positive(),
    bytesPerSecond: z.number().positive(),
    burstBytes: z.number().positive(),
    maxAttributesPerSpan: z.number().int().positive(),
    maxAttributeLength: z.number().int().positive(),
    processingMsPerSecond: z.number().positive(),
    burstProcessingMs: z.number().positive(),
  })
  .partial()
  .strict();

const priceSchema = z
  .object({ input: z.number().nonnegative(), output: z.number().nonnegative() })
  .strict();

const serverSchema = z
  .object({
    host: z.string().default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(4318),
    dataDir: z.string().default('./.tenantry'),
    /** Decompressed OTLP body limit. */
    maxBodyBytes: z
      .number()
      .int()
      .positive()
      .default(20 * 1024 * 1024),
    /** OTLP body limit as sent (still compressed); gzip members that inflate to nothing count. */
    maxCompressedBodyBytes: z
      .number()
      .int()
      .positive()
      .default(20 * 1024 * 1024),
    /**
     * `host:port` of a listener that serves only `/metrics`, without a key (a private interface
     * for Prometheus). Without it, `/metrics` on the main port needs an admin key.
     */
    metricsListen: z
      .string()
      .regex(/^(\[[0-9a-fA-F:]+\]|[\w.-]+):\d{1,5}$/, 'must be host:port, e.g. 10.0.0.5:9464')
      .optional(),
    /** A request not fully received this long after it began gets 408 (http/app.ts). */
    requestTimeoutMs: z.number().int().min(100).max(600_000).default(30_000),
    /** Base URL printed in alert links; defaults to http://host:port. */
    publicUrl: z.string().url().optional(),
    /**
     * Whether this process evaluates alert rules. With several servers over one ClickHouse, exactly
     * one (the alert leader) sets true, so each transition notifies once.
     */
    evaluateAlerts: z.boolean().default(true),
  })
  .strict();

/** One ingest worker per core the process may use (at most 8: the event loop is the limit past that). */
function defaultIngestWorkers(): number {
  return Math.min(8, Math.max(1, availableParallelism()));
}

export const configSchema = z
  .object({
    server: serverSchema.default(serverSchema.parse({})),
    storage: z
      .object({
        engine: z.enum(['duckdb', 'clickhouse']).default('duckdb'),
        // Validated in storage/clickhouse/config.ts (URLs, TLS, credentials, cluster options).
        clickhouse: clickHouseConfigSchema.optional(),
        // The embedded DuckDB's memory bound (storage/duckdb/config.ts, docs/configuration.md).
        duckdb: duckDbConfigSchema,
        // The ingest journal (storage/journal, docs/configuration.md): on by default in front of
        // the embedded DuckDB on disk, opt-in on ClickHouse (it needs a persistent data dir).
        // Unset keys take their engine's defaults (journalSettings below).
        journal: z
          .object({
            enabled: z.boolean().optional(),
            flushRows: z.number().int().positive().optional(),
            flushIntervalMs: z.number().int().positive().max(60_000).optional(),
            segmentMiB: z.number().int().positive().max(4096).default(64),
            // One DuckDB transaction held open across flushes until it holds a row group, which
            // DuckDB writes to the file instead of its WAL (docs/scaling.md).
            holdRowGroups: z.boolean().default(true),
          })
          .strict()
          .default({ segmentMiB: 64, holdRowGroups: true }),
      })
      .strict()
      .default(() => ({
        engine: 'duckdb' as const,
        duckdb: duckDbConfigSchema.parse(undefined),
        journal: { segmentMiB: 64, holdRowGroups: true },
      })),
    limits: z
      .object({
        default: limitsSchema.default({}),
        tenants: z.record(z.string(), limitsSchema).default({}),
        maxQueuedItems: z.number().int().positive().default(500_000),
        // What one OTLP request may hold, whatever its bytes (otlp/decode-limits.ts).
        maxGroupsPerRequest: z.number().int().positive().default(DEFAULT_DECODE_LIMITS.maxGroups),
        maxItemsPerRequest: z.number().int().positive().default(DEFAULT_DECODE_LIMITS.maxItems),
        maxAttributeDepth: z.number().int().min(1).max(256).default(DEFAULT_DECODE_LIMITS.maxDepth),
      })
      .strict()
      .default({
        default: {},
        tenants: {},
        maxQueuedItems: 500_000,
        maxGroupsPerRequest: DEFAULT_DECODE_LIMITS.maxGroups,
        maxItemsPerRequest: DEFAULT_DECODE_LIMITS.maxItems,
        maxAttributeDepth: DEFAULT_DECODE_LIMITS.maxDepth,
      }),
    redaction: z
      .object({
        enabled: z.boolean().default(true),
        /** A @tenantry/redact policy, validated by its parsePolicy. */
        policy: z.record(z.string(), z.unknown()).optional(),
        tenants: z.record(z.string(), z.object({ enabled: z.boolean() }).strict()).default({}),
      })
      .strict()
      .default({ enabled: true, tenants: {} }),
    retention: z
      .object({
        defaultDays: z.number().positive().default(30),
        tenants: z.record(z.string(), z.number().positive()).default({}),
        intervalMinutes: z.number().positive().default(60),
      })
      .strict()
      .default({ defaultDays: 30, tenants: {}, intervalMinutes: 60 }),
    /**
     * DuckDB background compaction: closed time windows rewritten sorted by tenant so one-tenant
     * queries skip other tenants' row groups. Ignored on ClickHouse (MergeTree sorts by itself).
     */
    compaction: z
      .object({
        enabled: z.boolean().default(DEFAULT_COMPACTION.enabled),
        windowHours: z.number().int().min(1).max(168).default(DEFAULT_COMPACTION.windowHours),
        graceMinutes: z.number().nonnegative().default(DEFAULT_COMPACTION.graceMinutes),
        intervalMinutes: z.number().positive().default(DEFAULT_COMPACTION.intervalMinutes),
        maxRowsPerTransaction: z
          .number()
          .int()
          .min(1000)
          .default(DEFAULT_COMPACTION.maxRowsPerTransaction),
        lateRowsFraction: z.number().positive().default(DEFAULT_COMPACTION.lateRowsFraction),
      })
      .strict()
      .default(() => ({ ...DEFAULT_COMPACTION })),
    /** USD per million tokens, by model. A model missing here is reported unpriced, never free. */
    /** How items resolve their tenant (ingest/tenant.ts, ingest/settle-job.ts). */
    ingest: z
      .object({
        /**
         * Attribute names that hold an item's tenant, in order of preference: each is looked up on
         * the item, then on its resource. `parent.key` also reads key of a JSON-object attribute.
         */
        tenantAttributes: z
          .array(
            z
              .string()
              .min(1, 'an attribute name must not be empty')
              .max(256)
              .regex(/^\S+$/, 'an attribute name has no spaces'),
          )
          .min(1, 'name at least one attribute')
          .max(16)
          .refine((a) => new Set(a).size === a.length, 'attribute names must not repeat')
          .default([...DEFAULT_TENANT_ATTRIBUTES]),
        /** Seconds a span that states no tenant waits for its trace's tenant (≥ 60). */
        traceTenantWindowSeconds: z
          .number()
          .min(1)
          .max(86_400)
          .default(DEFAULT_TRACE_TENANT_SETTINGS.windowSeconds),
        settleIntervalSeconds: z
          .number()
          .min(0.05)
          .max(600)
          .default(DEFAULT_TRACE_TENANT_SETTINGS.settleIntervalSeconds),
        /**
         * Threads that inflate, decode and build trace rows off the event loop
         * (ingest/worker-pool.ts); 0 does it on the event loop. Default: one per core.
         */
        workers: z.number().int().min(0).max(64).default(defaultIngestWorkers),
        /** Request bytes (as sent) waiting for the workers; past this, 503 with Retry-After. */
        workerQueueMiB: z.number().int().min(1).max(4096).default(64),
      })
      .strict()
      .default(() => ({
        tenantAttributes: [...DEFAULT_TENANT_ATTRIBUTES],
        traceTenantWindowSeconds: DEFAULT_TRACE_TENANT_SETTINGS.windowSeconds,
        settleIntervalSeconds: DEFAULT_TRACE_TENANT_SETTINGS.settleIntervalSeconds,
        workers: defaultIngestWorkers(),
        workerQueueMiB: 64,
      })),
    pricing: z
      .object({ models: z.record(z.string(), priceSchema).default({}) })
      .strict()
      .default({ models: {} }),
    /** Validated by the alerts module (alerts/rules). */
    alerts: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

export type TenantryConfig = z.infer<typeof configSchema>;

/** The journal's settings with its engine's defaults filled in. */
export interface JournalSettings {
  enabled: boolean;
  flushRows: number;
  flushIntervalMs: number;
  segmentMiB: number;
  holdRowGroups: boolean;
}

/**
 * Per engine: DuckDB commits 16,384-row transactions every 250 ms (half the CPU a row of 1,024-row
 * ones); ClickHouse wants far larger inserts, each one a part of every table it touches and merged
 * again later (docs/scaling.md, "Where the time goes: ClickHouse ingest"), so its journal flushes
 * at 100k rows or once a second. ClickHouse servers are stateless unless given a persistent volume,
 * so there the journal is off unless `enabled: true`.
 */
export const JOURNAL_DEFAULTS = {
  duckdb: { enabled: true, flushRows: 16_384, flushIntervalMs: 250 },
  clickhouse: { enabled: false, flushRows: 100_000, flushIntervalMs: 1_000 },
} as const;

/** `engine`: the storage actually opened (a test may hand the server a ClickHouse of its own). */
export function journalSettings(
  config: TenantryConfig,
  engine: keyof typeof JOURNAL_DEFAULTS = config.storage.engine,
): JournalSettings {
  const j = config.storage.journal;
  const d = JOURNAL_DEFAULTS[engine];
  return {
    enabled: (j.enabled ?? d.enabled) && config.server.dataDir !== ':memory:',
    flushRows: j.flushRows ?? d.flushRows,
    flushIntervalMs: j.flushIntervalMs ?? d.flushIntervalMs,
    segmentMiB: j.segmentMiB,
    holdRowGroups: j.holdRowGroups,
  };
}

export function defaultLimits(config: TenantryConfig) {
  return { ...DEFAULT_INGEST_LIMITS, ...config.limits.default };
}

function formatZodError(err: z.ZodError): string {
  return err.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

export function parseConfig(input: unknown): TenantryConfig {
  const result = configSchema.safeParse(input ?? {});
  if (!result.success) {
    throw new InvalidConfigError(`invalid configuration: ${formatZodError(result.error)}`);
  }
  const { storage, server } = result.data;
  // Asked for explicitly: acknowledging from a journal that vanishes with the process would lose data.
  if (storage.engine === 'clickhouse' && storage.journal.enabled && server.dataDir === ':memory:') {
    throw new InvalidConfigError(
      'invalid configuration: storage.journal.enabled on ClickHouse needs server.dataDir on a persistent disk, not :memory:',
    );
  }
  return result.data;
}

export interface ConfigOverrides {
  host?: string;
  port?: number;
  dataDir?: string;
  storage?: 'duckdb' | 'clickhouse';
  clickhouseUrl?: string;
  clickhouseCluster?: string;
}

export interface ConfigSources {
  /** Path to tenantry.yaml; a missing default file is fine, a missing explicit one is an error. */
  file?: string;
  fileIsExplicit?: boolean;
  env?: NodeJS.ProcessEnv;
  /** Overrides from flags, applied last. */
  overrides?: ConfigOverrides;
}

function section(raw: Record<string, unknown>, key: string): Record<string, unknown> {
  const v = raw[key];
  return typeof v === 'object' && v !== null && !Array.isArray(v)
    ? { ...(v as Record<string, unknown>) }
    : {};
}

/** File, then TENANTRY_* env vars, then flags: later sources win. */
export function loadConfig(sources: ConfigSources = {}): TenantryConfig {
  const env = sources.env ?? process.env;
  const file = sources.file ?? env.TENANTRY_CONFIG ?? 'tenantry.yaml';
  let raw: Record<string, unknown> = {};
  if (existsSync(file)) {
    let parsed: unknown;
    try {
      parsed = parseYaml(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new InvalidConfigError(`${file} is not valid YAML: ${(err as Error).message}`);
    }
    if (parsed !== null && (typeof parsed !== 'object' || Array.isArray(parsed))) {
      throw new InvalidConfigError(`${file} must hold a mapping`);
    }
    raw = (parsed as Record<string, unknown> | null) ?? {};
  } else if (sources.fileIsExplicit || env.TENANTRY_CONFIG) {
    throw new InvalidConfigError(`config file ${file} does not exist`);
  }
  const server = section(raw, 'server');
  const storage = section(raw, 'storage');
  const o = sources.overrides ?? {};
  const host = o.host ?? env.TENANTRY_HOST;
  const port = o.port ?? (env.TENANTRY_PORT !== undefined ? Number(env.TENANTRY_PORT) : undefined);
  const dataDir = o.dataDir ?? env.TENANTRY_DATA_DIR;
  if (host !== undefined) server.host = host;
  if (port !== undefined) server.port = port;
  if (dataDir !== undefined) server.dataDir = dataDir;
  const engine = o.storage ?? env.TENANTRY_STORAGE;
  if (engine !== undefined) storage.engine = engine;
  applyClickHouseEnv(storage, env, { url: o.clickhouseUrl, cluster: o.clickhouseCluster });
  return parseConfig({ ...raw, server, storage });
}
