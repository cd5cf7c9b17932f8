import type { Principal } from '../auth/principal.js';
import type { IngestLimits, TenantLimiter } from '../limits/tenant-limits.js';
import type { OtlpFormat, ReceivedBody } from '../otlp/body.js';
import type { DecodedLogs, DecodedMetrics, DecodedTraces, ResourceGroup } from '../otlp/model.js';
import type { IngestWriter } from '../storage/batch-writer.js';
import { selectSpanLines, withTenants } from '../storage/clickhouse/span-lines.js';
import { scoresOfLogs } from '../storage/score-columns.js';
import { selectSpanColumns } from '../storage/span-columns-select.js';
import type { Attributes, WriteBatch } from '../storage/types.js';
import type { ServerMetrics } from '../telemetry/registry.js';
import { RateLimitedError } from './errors.js';
import type { PreparedPartition, PreparedTraces } from './ingest-worker.js';
import { encodeJournalEntry } from './journal-entry.js';
import type { FindingsSink } from './redaction.js';
import { describeRejections, splitKey } from './rejections.js';
import {
  type Builder,
  flattenPoints,
  type Item,
  logBuilder,
  metricBuilder,
  partitionByTenant,
  type SpanIdentity,
  spanBuilder,
  spanIdentity,
} from './row-builders.js';
import { countScores } from './scores.js';
import {
  type TenantClaim,
  TRACE_TENANT_PENDING,
  tenantClaimReader,
  UNASSIGNED_TENANT,
} from './tenant.js';
import { WorkSlice } from './work-slice.js';

export type Signal = 'traces' | 'logs' | 'metrics';

/** Redaction applied at ingest, whatever SDK sent the data (see ingest/redaction.ts). */
export interface IngestRedactor {
  attributes(tenantId: string, attrs: Attributes): Attributes;
  text(tenantId: string, text: string): string;
}

export interface IngestOutcome {
  accepted: number;
  rejected: number;
  /** Actionable summary of what was rejected and why, for OTLP partial_success. */
  message: string;
}

export interface IngestDeps {
  limiter: TenantLimiter;
  writer: IngestWriter;
  metrics: ServerMetrics;
  redactor: IngestRedactor;
  /** The configured tenant attributes (ingest.tenantAttributes); the defaults when absent. */
  claimOf?: TenantClaim;
  /** Counts redaction findings an ingest worker reported (redaction.ts redactionCounter). */
  countFindings?: FindingsSink;
}

/** An OTLP request as the route received it: its decoded items and the body as sent. */
export interface IngestRequest {
  principal: Principal;
  body: ReceivedBody | PreparedBody;
  format: OtlpFormat;
}

/** The body of a request an ingest worker inflated (worker-pool.ts): the journal's part of it. */
export type PreparedBody = Omit<ReceivedBody, 'bytes'> & { inflatedBytes: number };

/**
 * One OTLP request through ingest: resolve each item's tenant (rejecting spoofed ones), charge
 * each tenant's limits separately, sanitize and redact, then wait until the writer says the rows
 * are durable (committed, or journaled: see storage/journal).
 */
export class IngestPipeline {
  private readonly claimOf: TenantClaim;

  constructor(private readonly deps: IngestDeps) {
    this.claimOf = deps.claimOf ?? tenantClaimReader();
  }

  traces(decoded: DecodedTraces, request: IngestRequest): Promise<IngestOutcome> {
    const batch = emptyBatch();
    return this.ingest(
      'traces',
      decoded,
      (s) => s.attributes,
      request,
      batch,
      spanBuilder(batch, this.deps.redactor, (tenantId, n) =>
        this.count('rejected', tenantId, 'traces', 'attribute_limit', n),
      ),
      spanIdentity,
    );
  }

  async logs(decoded: DecodedLogs, request: IngestRequest): Promise<IngestOutcome> {
    const batch = emptyBatch();
    const outcome = await this.ingest(
      'logs',
      decoded,
      (l) => l.attributes,
      request,
      batch,
      logBuilder(batch, this.deps.redactor),
    );
    countScores(this.deps.metrics, scoresOfLogs(batch.logs));
    return outcome;
  }

  /** Spans and log records: built in work slices, each tenant charged its processing time. */
  private async ingest<T>(
    signal: Signal,
    groups: ResourceGroup<T>[],
    attrsOf: (item: T) => Attributes,
    request: IngestRequest,
    batch: WriteBatch,
    build: Builder<T>,
    traceOf?: (item: T) => SpanIdentity,
  ): Promise<IngestOutcome> {
    const { byTenant, rejections, total, claims } = await partitionByTenant(
      groups,
      request.principal,
      attrsOf,
      { claimOf: this.claimOf, traceOf, slice: new WorkSlice() },
    );
    const admitted = this.admit(signal, byTenant, rejections, total, chargedBytes(request));
    const published = claims.filter((c) => admitted.has(c.tenantId));
    if (published.length > 0) batch.traceClaims = published;
    await this.buildRows(signal, admitted, build);
    return this.commit(signal, batch, admitted, rejections, request);
  }

  /**
   * Spans an ingest worker decoded and built (worker-pool.ts): admitted tenant by tenant as
   * `traces` admits them, each tenant charged the worker time its rows took, and the findings and
   * dropped attributes of admitted tenants counted; the rest as `traces`.
   */
  async preparedTraces(prepared: PreparedTraces, request: IngestRequest): Promise<IngestOutcome> {
    const payer = request.principal.tenantId;
    if (payer !== null) this.charge(payer, 'traces', prepared.decodeMs);
    const byTenant = new Map<string, { length: number; part: PreparedPartition }>();
    for (const part of prepared.partitions)
      byTenant.set(part.partition, { length: part.items, part });
    const rejections = new Map(prepared.rejections);
    const admitted = this.admit(
      'traces',
      byTenant,
      rejections,
      prepared.total,
      chargedBytes(request),
    );
    // Charged after admission, as on the event loop, where rows are built once admitted: a
    // request's own cost is held against the tenant's next requests, not against itself.
    for (const part of prepared.partitions)
      this.charge(accountOf(part.partition), 'traces', part.buildMs);
    const batch = emptyBatch();
    const published = prepared.claims.filter((c) => admitted.has(c.tenantId));
    if (published.length > 0) batch.traceClaims = published;
    const columns = prepared.columns;
    // Rows of partitions refused under their tenant's limits are left out of the columns.
    const keep = columns && admitted.size < byTenant.size ? new Uint8Array(columns.rows) : null;
    // And out of the lines, which take their tenants from the partitions admitted.
    const lineTenants: Array<[string, number, number]> = [];
    for (const { part } of admitted.values()) {
      const tenantId = accountOf(part.partition);
      this.deps.countFindings?.(tenantId, part.redacted);
      if (part.droppedAttributes > 0)
        this.count('rejected', tenantId, 'traces', 'attribute_limit', part.droppedAttributes);
      if (keep && part.rows) keep.fill(1, part.rows[0], part.rows[1]);
      if (part.lines) lineTenants.push([part.partition, part.lines[0], part.lines[1]]);
      if (part.spans?.length) {
        if (part.partition === TRACE_TENANT_PENDING) batch.pendingSpans ??= [];
        const into = part.partition === TRACE_TENANT_PENDING ? batch.pendingSpans! : batch.spans;
        for (const s of part.spans) into.push(s);
      }
      if (part.partition === TRACE_TENANT_PENDING && prepared.pending?.cols.rows)
        batch.pendingSpanColumns = [prepared.pending];
    }
    if (columns && columns.rows > 0) {
      const selected = keep ? selectSpanColumns(columns, keep) : columns;
      if (selected.rows > 0) batch.spanColumns = [selected];
    }
    if (prepared.lines && prepared.lines.rows > 0) {
      const lines = withTenants(prepared.lines, lineTenants);
      const kept = lineTenants.reduce((n, [, start, end]) => n + end - start, 0);
      if (kept === lines.rows) batch.spanLines = [lines];
      else if (kept > 0) {
        const keepLines = new Uint8Array(lines.rows);
        for (const [, start, end] of lineTenants) keepLines.fill(1, start, end);
        batch.spanLines = [selectSpanLines(lines, keepLines)];
      }
    }
    return this.commit('traces', batch, admitted, rejections, request);
  }

  private charge(tenantId: string, signal: Signal, ms: number): void {
    this.deps.metrics.processingSeconds.inc({ tenant: tenantId, signal }, ms / 1000);
    this.deps.limiter.chargeProcessing(tenantId, ms);
  }

  async metrics(decoded: DecodedMetrics, request: IngestRequest): Promise<IngestOutcome> {
    const { byTenant, rejections, total } = await partitionByTenant(
      flattenPoints(decoded),
      request.principal,
      (p) => p.metric.points[p.index]!.attributes,
      { claimOf: this.claimOf, slice: new WorkSlice() },
    );
    const admitted = this.admit('metrics', byTenant, rejections, total, chargedBytes(request));
    const batch = emptyBatch();
    const build = metricBuilder(batch);
    for (const [tenantId, items] of admitted) {
      const limits = this.deps.limiter.limitsFor(tenantId);
      for (const item of items) build(tenantId, limits, item);
    }
    return this.commit('metrics', batch, admitted, rejections, request);
  }

  /**
   * Calls `build` for each admitted item, tenant by tenant, in work slices (see work-slice.ts), and
   * charges each tenant the event-loop time its items took, pauses excluded.
   */
  private async buildRows<T>(
    signal: Signal,
    admitted: Map<string, Item<T>[]>,
    build: (tenantId: string, limits: IngestLimits, item: Item<T>) => void,
  ): Promise<void> {
    const slice = new WorkSlice();
    for (const [partition, items] of admitted) {
      const tenantId = accountOf(partition);
      const limits = this.deps.limiter.limitsFor(tenantId);
      const started = performance.now();
      const pausedBefore = slice.pausedMs;
      for (const item of items) {
        if (slice.spent()) await slice.pause();
        build(partition, limits, item);
      }
      const busyMs = performance.now() - started - (slice.pausedMs - pausedBefore);
      this.deps.metrics.processingSeconds.inc({ tenant: tenantId, signal }, busyMs / 1000);
      this.deps.limiter.chargeProcessing(tenantId, busyMs);
    }
  }

  private admit<V extends { length: number }>(
    signal: Signal,
    byTenant: Map<string, V>,
    rejections: Map<string, number>,
    total: number,
    bodyBytes: number,
  ): Map<string, V> {
    const admitted = new Map<string, V>();
    let retryAfter = 0;
    for (const [partition, items] of byTenant) {
      const tenantId = accountOf(partition);
      const bytes = total === 0 ? 0 : Math.ceil((bodyBytes * items.length) / total);
      const verdict = this.deps.limiter.admit(tenantId, items.length, bytes);
      if (verdict.ok) admitted.set(partition, items);
      else {
        retryAfter = Math.max(retryAfter, verdict.retryAfterSeconds);
        const key = `${verdict.reason}:${tenantId}`;
        rejections.set(key, (rejections.get(key) ?? 0) + items.length);
      }
    }
    for (const [key, n] of rejections) {
      const [reason, tenant] = splitKey(key);
      this.count('rejected', tenant, signal, reason, n);
    }
    if (admitted.size === 0 && retryAfter > 0) {
      this.deps.metrics.requests.inc({ signal, status: '429' });
      throw new RateLimitedError(
        retryAfter,
        `tenant ingest limit exceeded (${describeRejections(rejections)}); retry after ${retryAfter}s`,
      );
    }
    return admitted;
  }

  private async commit(
    signal: Signal,
    batch: WriteBatch,
    admitted: Map<string, { length: number }>,
    rejections: Map<string, number>,
    request: IngestRequest,
  ): Promise<IngestOutcome> {
    const accepted =
      batch.spans.length +
      batch.logs.length +
      batch.metrics.length +
      (batch.pendingSpans?.length ?? 0) +
      (batch.pendingSpanColumns?.reduce((n, p) => n + p.cols.rows, 0) ?? 0) +
      (batch.spanColumns?.reduce((n, c) => n + c.rows, 0) ?? 0) +
      (batch.spanLines?.reduce((n, l) => n + l.rows, 0) ?? 0);
    if (accepted > 0) {
      const result = await this.deps.writer.write(batch, () =>
        encodeJournalEntry({
          signal,
          format: request.format,
          encoding: request.body.encoding,
          principal: request.principal,
          admitted: [...admitted.keys()],
          bodyChunks: request.body.sentChunks,
        }),
      );
      if (signal === 'traces' && result.spansDuplicate > 0)
        this.deps.metrics.duplicates.inc({}, result.spansDuplicate);
    }
    for (const [partition, items] of admitted)
      this.count('ingested', accountOf(partition), signal, '', items.length);
    let rejected = 0;
    for (const n of rejections.values()) rejected += n;
    return { accepted, rejected, message: rejected > 0 ? describeRejections(rejections) : '' };
  }

  private count(
    kind: 'ingested' | 'rejected',
    tenant: string,
    signal: Signal,
    reason: string,
    n: number,
  ): void {
    if (kind === 'ingested') this.deps.metrics.ingested.inc({ tenant, signal }, n);
    else this.deps.metrics.rejected.inc({ tenant, signal, reason }, n);
  }
}

const emptyBatch = (): WriteBatch => ({ spans: [], logs: [], metrics: [] });

/** Byte limits count the larger of the body as sent and inflated: both cost the server. */
const chargedBytes = (r: IngestRequest) =>
  Math.max('bytes' in r.body ? r.body.bytes.length : r.body.inflatedBytes, r.body.sentBytes);

/**
 * The tenant whose limits and counters a partition uses: spans waiting for their trace's tenant
 * are charged as `_unassigned`, as spans that never get one end up.
 */
const accountOf = (partition: string) =>
  partition === TRACE_TENANT_PENDING ? UNASSIGNED_TENANT : partition;
