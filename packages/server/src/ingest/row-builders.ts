import type { Principal } from '../auth/principal.js';
import type { IngestLimits } from '../limits/tenant-limits.js';
import type { DecodedLog, DecodedMetrics, DecodedSpan, ResourceGroup } from '../otlp/model.js';
import { decideTraceTenants, type TraceClaim } from '../storage/trace-claims.js';
import type { Attributes, WriteBatch } from '../storage/types.js';
import type { IngestRedactor } from './pipeline.js';
import { toLogRow, toMetricRow, toSpanRow } from './rows.js';
import { bodyToText, limitAttributes } from './sanitize.js';
import { scoreOfLog } from './scores.js';
import {
  resolveTenant,
  type TenantClaim,
  TRACE_TENANT_PENDING,
  UNASSIGNED_TENANT,
} from './tenant.js';
import type { WorkSlice } from './work-slice.js';

/** One decoded item with its tenant resolved, ready to become a row. */
export interface Item<T> {
  item: T;
  resource: Attributes;
  scopeName: string;
  attributes: Attributes;
}

export type Builder<T> = (tenantId: string, limits: IngestLimits, item: Item<T>) => void;

export type MetricPoint = {
  metric: DecodedMetrics[number]['scopes'][number]['items'][number];
  index: number;
};

/**
 * Item-to-row conversion per signal: sanitize (attribute limits), redact, build the storage row
 * into `batch`. Shared by live ingest and journal replay so both build the same rows.
 */
export function spanBuilder(
  batch: WriteBatch,
  redactor: IngestRedactor,
  onDropped?: (tenantId: string, attributes: number) => void,
): Builder<DecodedSpan> {
  return (partition, limits, { item, resource, scopeName, attributes }) => {
    // A span waiting for its trace's tenant is redacted and limited as `_unassigned` (the default
    // policy) and parked; storage gives it the tenant once its trace's claim is known.
    const parked = partition === TRACE_TENANT_PENDING;
    const tenantId = parked ? UNASSIGNED_TENANT : partition;
    const limited = limitAttributes(
      attributes,
      limits.maxAttributesPerSpan,
      limits.maxAttributeLength,
    );
    if (limited.dropped > 0) onDropped?.(tenantId, limited.dropped);
    const attrs = redactor.attributes(tenantId, limited.attributes);
    const span =
      item.events.length === 0
        ? item
        : {
            ...item,
            events: item.events.map((e) => ({
              ...e,
              attributes: redactor.attributes(tenantId, e.attributes),
            })),
          };
    const row = toSpanRow(partition, span, attrs, resource, scopeName);
    row.statusMessage = redactor.text(tenantId, row.statusMessage);
    if (!parked) batch.spans.push(row);
    else if (batch.pendingSpans) batch.pendingSpans.push(row);
    else batch.pendingSpans = [row];
  };
}

export function logBuilder(batch: WriteBatch, redactor: IngestRedactor): Builder<DecodedLog> {
  return (tenantId, limits, { item, resource, attributes }) => {
    const limited = limitAttributes(
      attributes,
      limits.maxAttributesPerSpan,
      limits.maxAttributeLength,
    );
    const attrs = redactor.attributes(tenantId, limited.attributes);
    let body = bodyToText(item.body);
    if (body.length > limits.maxAttributeLength * 4)
      body = `${body.slice(0, limits.maxAttributeLength * 4)}…[truncated]`;
    const row = toLogRow(tenantId, item, attrs, redactor.text(tenantId, body), resource);
    // A gen_ai.evaluation.result record is also a score on its run (ingest/scores.ts).
    const score = scoreOfLog(tenantId, item, attrs, row.timeUnixNano);
    if (score !== undefined) row.score = score;
    batch.logs.push(row);
  };
}

/** Metric points take no attribute limits; the signature matches the other builders. */
export function metricBuilder(batch: WriteBatch): Builder<MetricPoint> {
  return (tenantId, _limits, { item, resource }) => {
    batch.metrics.push(
      toMetricRow(tenantId, item.metric, item.metric.points[item.index]!, resource),
    );
  };
}

/** Metric points are the items: flattened so each point resolves its own tenant. */
export function flattenPoints(decoded: DecodedMetrics): ResourceGroup<MetricPoint>[] {
  return decoded.map((g) => ({
    resource: g.resource,
    scopes: g.scopes.map((s) => ({
      scopeName: s.scopeName,
      scopeVersion: s.scopeVersion,
      items: s.items.flatMap((metric) => metric.points.map((_, index) => ({ metric, index }))),
    })),
  }));
}

/** What trace-level tenants need of a span: its trace, and whether it is the root. */
export interface SpanIdentity {
  traceId: string;
  /** '' for a trace's root. */
  parentSpanId: string;
}

/** A decoded span is its own identity: no object made per span. */
export const spanIdentity = (s: DecodedSpan): SpanIdentity => s;

/** How a request's items resolve their tenant. */
export interface PartitionOptions<T> {
  /** The configured tenant attributes (ingest.tenantAttributes). */
  claimOf: TenantClaim;
  /**
   * For spans: the item's trace, so that items claiming no tenant take their trace's. Without it
   * (logs, metric points) such items are `_unassigned`.
   */
  traceOf?: (item: T) => SpanIdentity;
  /** Yields to other requests when used up: a request of 200,000 items takes a while to sort. */
  slice?: WorkSlice;
}

export interface Partition<T> {
  byTenant: Map<string, Item<T>[]>;
  rejections: Map<string, number>;
  total: number;
  /** The tenants this request states for its traces (unbound keys only). */
  claims: TraceClaim[];
}

/**
 * Items by resolved tenant; spoofed or invalid claims are counted in `rejections`. With `traceOf`,
 * an unbound key's item that claims no tenant takes the tenant its trace states in this request
 * (ingest/trace-tenant rule: the root's claim, else the smallest), or is left under
 * TRACE_TENANT_PENDING for storage to settle across requests.
 */
export async function partitionByTenant<T>(
  groups: ResourceGroup<T>[],
  principal: Principal,
  attrsOf: (item: T) => Attributes,
  options: PartitionOptions<T>,
): Promise<Partition<T>> {
  const byTenant = new Map<string, Item<T>[]>();
  const rejections = new Map<string, number>();
  // Per trace, the claims worth storing: the root's alone once seen (it decides whatever else the
  // trace states), else each tenant a span states (a list only when there are several).
  const claimed = new Map<string, TraceClaim | TraceClaim[]>();
  const { traceOf, claimOf, slice } = options;
  let total = 0;
  // Consecutive items mostly share a tenant: its list is looked up once a run of them.
  let lastTenant: string | null = null;
  let lastList: Item<T>[] = [];
  for (const g of groups) {
    for (const s of g.scopes) {
      for (const item of s.items) {
        total++;
        if (slice?.spent()) await slice.pause();
        const attributes = attrsOf(item);
        const r = resolveTenant(principal, attributes, g.resource, claimOf);
        if (!r.ok) {
          const key = `${r.reason}:${principal.tenantId ?? r.claimed}`;
          rejections.set(key, (rejections.get(key) ?? 0) + 1);
          continue;
        }
        let tenantId = r.tenantId;
        if (tenantId === TRACE_TENANT_PENDING && !traceOf) tenantId = UNASSIGNED_TENANT;
        if (r.claimed && traceOf) {
          const { traceId, parentSpanId } = traceOf(item);
          const isRoot = parentSpanId === '';
          const seen = claimed.get(traceId);
          if (seen === undefined || isRoot)
            claimed.set(traceId, { traceId, tenantId, fromRoot: isRoot });
          else if (!Array.isArray(seen)) {
            if (!seen.fromRoot && seen.tenantId !== tenantId)
              claimed.set(traceId, [seen, { traceId, tenantId, fromRoot: false }]);
          } else if (!seen.some((c) => c.tenantId === tenantId))
            seen.push({ traceId, tenantId, fromRoot: false });
        }
        if (tenantId !== lastTenant) {
          lastTenant = tenantId;
          lastList = byTenant.get(tenantId) ?? [];
          if (lastList.length === 0) byTenant.set(tenantId, lastList);
        }
        lastList.push({ item, resource: g.resource, scopeName: s.scopeName, attributes });
      }
    }
  }
  const claims: TraceClaim[] = [];
  for (const c of claimed.values()) {
    if (Array.isArray(c)) for (const one of c) claims.push(one);
    else claims.push(c);
  }
  const pending = byTenant.get(TRACE_TENANT_PENDING);
  if (pending && traceOf && claims.length > 0) {
    const decided = decideTraceTenants(claims);
    const waiting: Item<T>[] = [];
    for (const it of pending) {
      const claim = decided.get(traceOf(it.item).traceId);
      if (claim === undefined) {
        waiting.push(it);
        continue;
      }
      pushTo(byTenant, claim.tenantId, it);
    }
    if (waiting.length > 0) byTenant.set(TRACE_TENANT_PENDING, waiting);
    else byTenant.delete(TRACE_TENANT_PENDING);
  }
  return { byTenant, rejections, total, claims };
}

function pushTo<V>(map: Map<string, V[]>, key: string, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
