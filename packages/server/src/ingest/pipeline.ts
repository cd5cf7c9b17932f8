import type { Principal } from '../auth/principal.js';
import type { IngestLimits, TenantLimiter } from '../limits/tenant-limits.js';
import type { DecodedLogs, DecodedMetrics, DecodedTraces, ResourceGroup } from '../otlp/model.js';
import type { BatchWriter } from '../storage/batch-writer.js';
import type { Attributes, WriteBatch } from '../storage/types.js';
import type { ServerMetrics } from '../telemetry/registry.js';
import { RateLimitedError } from './errors.js';
import { toLogRow, toMetricRow, toSpanRow } from './rows.js';
import { bodyToText, limitAttributes } from './sanitize.js';
import { resolveTenant } from './tenant.js';
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

interface Item<T> {
  item: T;
  resource: Attributes;
  scopeName: string;
  attributes: Attributes;
}

export interface IngestDeps {
  limiter: TenantLimiter;
  writer: BatchWriter;
  metrics: ServerMetrics;
  redactor: IngestRedactor;
}

/**
 * One OTLP request through ingest: resolve each item's tenant (rejecting spoofed ones), charge
 * each tenant's limits separately, sanitize and redact, then wait for the storage commit.
 */
export class IngestPipeline {
  constructor(private readonly deps: IngestDeps) {}

  async traces(
    decoded: DecodedTraces,
    principal: Principal,
    bodyBytes: number,
  ): Promise<IngestOutcome> {
    const { byTenant, rejections, total } = this.partition(decoded, principal, (s) => s.attributes);
    const admitted = this.admit('traces', byTenant, rejections, total, bodyBytes);
    const batch: WriteBatch = { spans: [], logs: [], metrics: [] };
    await this.buildRows(
      'traces',
      admitted,
      (tenantId, limits, { item, resource, scopeName, attributes }) => {
        const limited = limitAttributes(
          attributes,
          limits.maxAttributesPerSpan,
          limits.maxAttributeLength,
        );
        if (limited.dropped > 0)
          this.count('rejected', tenantId, 'traces', 'attribute_limit', limited.dropped);
        const attrs = this.deps.redactor.attributes(tenantId, limited.attributes);
        const span =
          item.events.length === 0
            ? item
            : {
                ...item,
                events: item.events.map((e) => ({
                  ...e,
                  attributes: this.deps.redactor.attributes(tenantId, e.attributes),
                })),
              };
        const row = toSpanRow(tenantId, span, attrs, resource, scopeName);
        row.statusMessage = this.deps.redactor.text(tenantId, row.statusMessage);
        batch.spans.push(row);
      },
    );
    return this.commit('traces', batch, admitted, rejections);
  }

  async logs(
    decoded: DecodedLogs,
    principal: Principal,
    bodyBytes: number,
  ): Promise<IngestOutcome> {
    const { byTenant, rejections, total } = this.partition(decoded, principal, (l) => l.attributes);
    const admitted = this.admit('logs', byTenant, rejections, total, bodyBytes);
    const batch: WriteBatch = { spans: [], logs: [], metrics: [] };
    await this.buildRows('logs', admitted, (tenantId, limits, { item, resource, attributes }) => {
      const limited = limitAttributes(
        attributes,
        limits.maxAttributesPerSpan,
        limits.maxAttributeLength,
      );
      const attrs = this.deps.redactor.attributes(tenantId, limited.attributes);
      let body = bodyToText(item.body);
      if (body.length > limits.maxAttributeLength * 4)
        body = `${body.slice(0, limits.maxAttributeLength * 4)}…[truncated]`;
      batch.logs.push(
        toLogRow(tenantId, item, attrs, this.deps.redactor.text(tenantId, body), resource),
      );
    });
    return this.commit('logs', batch, admitted, rejections);
  }

  async metrics(
    decoded: DecodedMetrics,
    principal: Principal,
    bodyBytes: number,
  ): Promise<IngestOutcome> {
    // Metric points are the items: flatten so each point resolves its own tenant.
    const flattened: ResourceGroup<{
      metric: DecodedMetrics[number]['scopes'][number]['items'][number];
      index: number;
    }>[] = decoded.map((g) => ({
      resource: g.resource,
      scopes: g.scopes.map((s) => ({
        scopeName: s.scopeName,
        scopeVersion: s.scopeVersion,
        items: s.items.flatMap((metric) => metric.points.map((_, index) => ({ metric, index }))),
      })),
    }));
    const { byTenant, rejections, total } = this.partition(
      flattened,
      principal,
      (p) => p.metric.points[p.index]!.attributes,
    );
    const admitted = this.admit('metrics', byTenant, rejections, total, bodyBytes);
    const batch: WriteBatch = { spans: [], logs: [], metrics: [] };
    for (const [tenantId, items] of admitted) {
      for (const { item, resource } of items) {
        batch.metrics.push(
          toMetricRow(tenantId, item.metric, item.metric.points[item.index]!, resource),
        );
      }
    }
    return this.commit('metrics', batch, admitted, rejections);
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
    for (const [tenantId, items] of admitted) {
      const limits = this.deps.limiter.limitsFor(tenantId);
      const started = performance.now();
      const pausedBefore = slice.pausedMs;
      for (const item of items) {
        if (slice.spent()) await slice.pause();
        build(tenantId, limits, item);
      }
      const busyMs = performance.now() - started - (slice.pausedMs - pausedBefore);
      this.deps.metrics.processingSeconds.inc({ tenant: tenantId, signal }, busyMs / 1000);
      this.deps.limiter.chargeProcessing(tenantId, busyMs);
    }
  }

  private partition<T>(
    groups: ResourceGroup<T>[],
    principal: Principal,
    attrsOf: (item: T) => Attributes,
  ): { byTenant: Map<string, Item<T>[]>; rejections: Map<string, number>; total: number } {
    const byTenant = new Map<string, Item<T>[]>();
    const rejections = new Map<string, number>();
    let total = 0;
    for (const g of groups) {
      for (const s of g.scopes) {
        for (const item of s.items) {
          total++;
          const attributes = attrsOf(item);
          const r = resolveTenant(principal, attributes, g.resource);
          if (!r.ok) {
            const key = `${r.reason}:${principal.tenantId ?? r.claimed}`;
            rejections.set(key, (rejections.get(key) ?? 0) + 1);
            continue;
          }
          let list = byTenant.get(r.tenantId);
          if (!list) {
            list = [];
            byTenant.set(r.tenantId, list);
          }
          list.push({ item, resource: g.resource, scopeName: s.scopeName, attributes });
        }
      }
    }
    return { byTenant, rejections, total };
  }

  private admit<T>(
    signal: Signal,
    byTenant: Map<string, Item<T>[]>,
    rejections: Map<string, number>,
    total: number,
    bodyBytes: number,
  ): Map<string, Item<T>[]> {
    const admitted = new Map<string, Item<T>[]>();
    let retryAfter = 0;
    for (const [tenantId, items] of byTenant) {
      const bytes = total === 0 ? 0 : Math.ceil((bodyBytes * items.length) / total);
      const verdict = this.deps.limiter.admit(tenantId, items.length, bytes);
      if (verdict.ok) admitted.set(tenantId, items);
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
        `tenant ingest limit exceeded (${describe(rejections)}); retry after ${retryAfter}s`,
      );
    }
    return admitted;
  }

  private async commit<T>(
    signal: Signal,
    batch: WriteBatch,
    admitted: Map<string, Item<T>[]>,
    rejections: Map<string, number>,
  ): Promise<IngestOutcome> {
    const accepted = batch.spans.length + batch.logs.length + batch.metrics.length;
    if (accepted > 0) {
      const result = await this.deps.writer.write(batch);
      if (signal === 'traces' && result.spansDuplicate > 0)
        this.deps.metrics.duplicates.inc({}, result.spansDuplicate);
    }
    for (const [tenantId, items] of admitted)
      this.count('ingested', tenantId, signal, '', items.length);
    let rejected = 0;
    for (const n of rejections.values()) rejected += n;
    return { accepted, rejected, message: rejected > 0 ? describe(rejections) : '' };
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

function splitKey(key: string): [string, string] {
  const i = key.indexOf(':');
  return [key.slice(0, i), key.slice(i + 1)];
}

const REASON_TEXT: Record<string, string> = {
  tenant_mismatch: "claim a tenant other than the key's tenant",
  invalid_tenant: 'carry an invalid tenant.id (must be a 1-128 character string)',
  rate_limited: "are over the tenant's ingest limit",
  processing_limited:
    "are refused while the tenant's recent payloads exceed its processing-time budget (limits.processingMsPerSecond)",
};

function describe(rejections: Map<string, number>): string {
  return [...rejections]
    .map(([key, n]) => {
      const [reason, tenant] = splitKey(key);
      return `${n} item(s) of tenant '${tenant}' ${REASON_TEXT[reason] ?? reason}`;
    })
    .join('; ');
}
