import { parentPort, workerData } from 'node:worker_threads';
import { gunzipSync, inflateSync } from 'node:zlib';
import type { Principal } from '../auth/principal.js';
import type { TenantryConfig } from '../config/config.js';
import { TenantryError } from '../errors.js';
import { type IngestLimits, TenantLimiter } from '../limits/tenant-limits.js';
import type { BodyEncoding, OtlpFormat } from '../otlp/body.js';
import { DecodeBudget, type DecodeLimits } from '../otlp/decode-limits.js';
import { DECODERS } from '../otlp/decoders.js';
import { MalformedOtlpError, PayloadTooLargeError } from '../otlp/errors.js';
import {
  type EncodedSpanLines,
  encodeSpanLines,
  spanLineBuffers,
} from '../storage/clickhouse/span-lines.js';
import {
  encodePendingSpanColumns,
  type PendingSpanColumns,
  pendingSpanColumnBuffers,
} from '../storage/pending-span-columns.js';
import { encodeSpanColumns, type SpanColumns } from '../storage/span-columns.js';
import { spanColumnBuffers } from '../storage/span-columns-transfer.js';
import type { TraceClaim } from '../storage/trace-claims.js';
import type { SpanRow, WriteBatch } from '../storage/types.js';
import { redactionCore } from './redaction.js';
import { partitionByTenant, spanBuilder, spanIdentity } from './row-builders.js';
import { TRACE_TENANT_PENDING, tenantClaimReader, UNASSIGNED_TENANT } from './tenant.js';
import { WorkSlice } from './work-slice.js';

/**
 * An ingest worker thread (worker-pool.ts): everything an OTLP trace request costs that does not
 * need the event loop. It inflates the body as sent, decodes it, resolves each span's tenant,
 * sanitizes, redacts and builds the rows as the event loop did (the same row builders as journal
 * replay), and encodes them as span columns (DuckDB) or as ClickHouse's insert lines, whose
 * buffers move back without a copy. The event loop
 * keeps what orders or counts: keys, limits and budgets, the journal and its acknowledgement.
 */

/** What every worker is started with: the settings row building reads. */
export interface IngestWorkerSetup {
  redaction: TenantryConfig['redaction'];
  limits: IngestLimits;
  tenantLimits: Record<string, Partial<IngestLimits>>;
  tenantAttributes: string[];
}

export interface TraceJob {
  id: number;
  format: OtlpFormat;
  /** The encoding of `body`, as sent. */
  encoding: BodyEncoding;
  body: Uint8Array;
  principal: Pick<Principal, 'keyId' | 'kind' | 'tenantId'>;
  decodeLimits: DecodeLimits;
  /** Inflated body limit. */
  maxBodyBytes: number;
  /**
   * Span columns for the embedded DuckDB; `rows` for ClickHouse, which takes rows: they come back
   * already as its insert's lines (storage/clickhouse/span-lines.ts).
   */
  output: 'columns' | 'rows';
}

/** One tenant's share of a request (a partition: see row-builders.ts partitionByTenant). */
export interface PreparedPartition {
  partition: string;
  items: number;
  /** Milliseconds this worker spent sanitizing, redacting and building the partition's rows. */
  buildMs: number;
  /** Redaction findings by entity type. */
  redacted: Record<string, number>;
  /** Attributes dropped past the tenant's attribute limit. */
  droppedAttributes: number;
  /**
   * Spans waiting for their trace's tenant, as rows for output `rows` (ClickHouse); for output
   * `columns` they are the request's `pending` columns instead.
   */
  spans?: SpanRow[];
  /** The partition's rows of the request's span columns: `[start, end)`. */
  rows?: [number, number];
  /** The partition's lines of the request's span lines: `[start, end)`. */
  lines?: [number, number];
}

export interface PreparedTraces {
  /** The body as sent, handed back (it was moved to the worker, not copied): the journal's. */
  body: Uint8Array;
  inflatedBytes: number;
  /** The inflated body, only when it is smaller than the body as sent (the journal keeps it). */
  inflated?: Uint8Array;
  decodeMs: number;
  total: number;
  rejections: Array<[string, number]>;
  claims: TraceClaim[];
  partitions: PreparedPartition[];
  /**
   * Every partition's span rows in one set of columns (few buffers to move, however many tenants
   * a request holds), except those of the spans waiting for their trace's tenant.
   */
  columns?: SpanColumns;
  /**
   * Output `columns`: the spans waiting for their trace's tenant (the TRACE_TENANT_PENDING
   * partition), as columns with the tenant left to fill in (storage/pending-span-columns.ts).
   */
  pending?: PendingSpanColumns;
  /** The same for output `rows`: every partition's spans as lines of the ClickHouse insert. */
  lines?: EncodedSpanLines;
}

export type TraceReply =
  | { id: number; ok: true; prepared: PreparedTraces }
  | {
      id: number;
      ok: false;
      error: { code: string; message: string; details?: Record<string, unknown> };
    };

const setup = workerData as IngestWorkerSetup;
const limiter = new TenantLimiter(setup.limits, setup.tenantLimits);
const claimOf = tenantClaimReader(setup.tenantAttributes);
/** Findings of the partition being built: the redactor reports to whichever that is. */
let findings: Record<string, number> = {};
const redactor = redactionCore(setup.redaction, (_tenant, found) => {
  let total = 0;
  for (const type in found) {
    const n = found[type]!;
    total += n;
    findings[type] = (findings[type] ?? 0) + n;
  }
  return total;
});

function inflate(job: TraceJob): Buffer {
  const body = Buffer.from(job.body.buffer, job.body.byteOffset, job.body.byteLength);
  if (job.encoding === 'identity') return body;
  try {
    const options = { maxOutputLength: job.maxBodyBytes, chunkSize: 64 * 1024 };
    return job.encoding === 'gzip' ? gunzipSync(body, options) : inflateSync(body, options);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
      throw new PayloadTooLargeError(job.maxBodyBytes);
    throw new MalformedOtlpError(`body could not be decompressed: ${(err as Error).message}`);
  }
}

/**
 * A thread holds a few jobs at once (worker-pool.ts) and interleaves them in work slices, as the
 * event loop does: a request that is costly to redact delays another tenant's by a slice, not by
 * its whole cost. Each job is charged its own time, pauses excluded.
 */
async function prepare(job: TraceJob): Promise<PreparedTraces> {
  const slice = new WorkSlice();
  const started = performance.now();
  const bytes = inflate(job);
  const groups = await DECODERS.traces[job.format](
    bytes,
    slice,
    new DecodeBudget(job.decodeLimits),
  );
  const { byTenant, rejections, total, claims } = await partitionByTenant(
    groups,
    job.principal as Principal,
    (s) => s.attributes,
    { claimOf, traceOf: spanIdentity, slice },
  );
  const decodeMs = performance.now() - started - slice.pausedMs;
  const partitions: PreparedPartition[] = [];
  const builtRows: SpanRow[] = [];
  let pendingRows: SpanRow[] = [];
  for (const [partition, items] of byTenant) {
    const from = performance.now();
    const pausedBefore = slice.pausedMs;
    const tenantId = partition === TRACE_TENANT_PENDING ? UNASSIGNED_TENANT : partition;
    const limits = limiter.limitsFor(tenantId);
    const batch: WriteBatch = { spans: [], logs: [], metrics: [] };
    let droppedAttributes = 0;
    findings = {};
    const build = spanBuilder(batch, redactor, (_t, n) => {
      droppedAttributes += n;
    });
    for (const item of items) {
      if (slice.spent()) {
        // The redactor reports to `findings`: another job may build meanwhile.
        const own = findings;
        await slice.pause();
        findings = own;
      }
      build(partition, limits, item);
    }
    const prepared: PreparedPartition = {
      partition,
      items: items.length,
      buildMs: 0,
      redacted: findings,
      droppedAttributes,
    };
    const range: [number, number] = [builtRows.length, builtRows.length + batch.spans.length];
    if (partition === TRACE_TENANT_PENDING) {
      pendingRows = batch.pendingSpans ?? [];
      if (job.output === 'rows') prepared.spans = pendingRows;
    } else if (job.output === 'rows') prepared.lines = range;
    else prepared.rows = range;
    for (const row of batch.spans) builtRows.push(row);
    prepared.buildMs = performance.now() - from - (slice.pausedMs - pausedBefore);
    partitions.push(prepared);
  }
  // Not charged to the tenants: the storage format's cost, as the appender's JSON was on the
  // event loop. Their budget covers sanitizing, redacting and building rows, as it did there.
  const columns = job.output === 'columns' ? encodeSpanColumns(builtRows) : undefined;
  const pending =
    job.output === 'columns' && pendingRows.length > 0
      ? encodePendingSpanColumns(pendingRows)
      : undefined;
  const lines = job.output === 'rows' ? encodeSpanLines(builtRows) : undefined;
  const sentBytes = job.body.byteLength;
  return {
    body: job.body,
    inflatedBytes: bytes.length,
    ...(job.encoding !== 'identity' && sentBytes > bytes.length
      ? { inflated: new Uint8Array(bytes) }
      : {}),
    decodeMs,
    total,
    rejections: [...rejections],
    claims,
    partitions,
    ...(columns ? { columns } : {}),
    ...(pending ? { pending } : {}),
    ...(lines ? { lines } : {}),
  };
}

async function run(job: TraceJob): Promise<void> {
  const port = parentPort!;
  let reply: TraceReply;
  const transfer: ArrayBuffer[] = [];
  try {
    const prepared = await prepare(job);
    if (prepared.columns) transfer.push(...spanColumnBuffers(prepared.columns));
    if (prepared.pending) transfer.push(...pendingSpanColumnBuffers(prepared.pending));
    if (prepared.lines) transfer.push(...spanLineBuffers(prepared.lines));
    if (prepared.inflated) transfer.push(prepared.inflated.buffer as ArrayBuffer);
    if (
      prepared.body.byteOffset === 0 &&
      prepared.body.byteLength === prepared.body.buffer.byteLength
    )
      transfer.push(prepared.body.buffer as ArrayBuffer);
    reply = { id: job.id, ok: true, prepared };
  } catch (err) {
    reply = {
      id: job.id,
      ok: false,
      error:
        err instanceof TenantryError
          ? { code: err.code, message: err.message, details: err.details }
          : { code: 'TENANTRY_E_INTERNAL', message: `ingest worker failed: ${err}` },
    };
  }
  port.postMessage(reply, transfer);
}

parentPort?.on('message', (job: TraceJob) => {
  void run(job);
});
