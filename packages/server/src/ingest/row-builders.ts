import type { Principal } from '../auth/principal.js';
import type { IngestLimits } from '../limits/tenant-limits.js';
import type { DecodedLog, DecodedMetrics, DecodedSpan, ResourceGroup } from '../otlp/model.js';
import type { Attributes, WriteBatch } from '../storage/types.js';
import type { IngestRedactor } from './pipeline.js';
import { toLogRow, toMetricRow, toSpanRow } from './rows.js';
import { bodyToText, limitAttributes } from './sanitize.js';
import { resolveTenant } from './tenant.js';

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
  return (tenantId, limits, { item, resource, scopeName, attributes }) => {
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
    const row = toSpanRow(tenantId, span, attrs, resource, scopeName);
    row.statusMessage = redactor.text(tenantId, row.statusMessage);
    batch.spans.push(row);
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
    batch.logs.push(toLogRow(tenantId, item, attrs, redactor.text(tenantId, body), resource));
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

/** Items by resolved tenant; spoofed or invalid claims are counted in `rejections`. */
export function partitionByTenant<T>(
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
