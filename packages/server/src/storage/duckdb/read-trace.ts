import { MAX_UNIX_NANO } from '../../otlp/model.js';
import { byTime } from '../log-order.js';
import {
  LINKING_WITHIN_NS,
  type LinkingSpan,
  type NsRange,
  type TraceRead,
} from '../read-types.js';
import type { LogRow, TenantScope } from '../types.js';
import type { DuckDb, Row } from './database.js';
import { traceLogRows } from './read-runs.js';
import { logFromRow, spanFromRow, tenantKey, traceKey, Where } from './rows.js';
import { gaps, type TraceBranch, traceRows } from './trace-index.js';

/** Linking spans read ahead per branch; past it the caller searches the trace's own hour. */
const LINKING_LIMIT = 1_000;

/**
 * A trace's page in one go: as each read of its spans starts (trace-index.ts), the logs of its
 * tenant and the spans that link to it within an hour of that read's range start beside it,
 * instead of after the spans (the trace page's third round trip: docs/scaling.md).
 */
export async function readTrace(
  db: DuckDb,
  scope: TenantScope,
  traceId: string,
): Promise<TraceRead> {
  const key = traceKey(traceId);
  const logReads = new Map<bigint, Promise<Row[]>>();
  const readLogs = (tenant: bigint, tenantId: string | null) => {
    if (logReads.has(tenant)) return;
    const rows = traceLogRows(db, traceId, key, { key: tenant, id: tenantId });
    rows.catch(() => {});
    logReads.set(tenant, rows);
  };
  if (scope.tenantId !== null) readLogs(tenantKey(scope.tenantId), scope.tenantId);

  const linking: Array<Promise<Row[]>> = [];
  const within: NsRange[] = [];
  const pattern = `%"traceId":"${traceId}"%`;
  const onBranch = ({ tenantKey: tenant, ranges, links }: TraceBranch) => {
    // An index hit names the tenant before any span is read (an admin key's trace included).
    if (tenant !== null && scope.tenantId === null) readLogs(tenant, null);
    // Not across every tenant (an admin key's ranges the index does not cover): every tenant's
    // last hours would be searched, beside the spans, for a trace that is seldom there.
    if (tenant === null && scope.tenantId === null) return;
    // Only bounded ranges: before the first indexed window lies whatever was never indexed.
    const around = ranges
      .filter(([from]) => from !== null)
      .map(
        ([from, to]): NsRange => ({
          fromNs: from! - LINKING_WITHIN_NS,
          toNs: to === null ? MAX_UNIX_NANO : to + LINKING_WITHIN_NS,
        }),
      );
    if (around.length === 0) return;
    within.push(...around);
    // Where the index holds the links, only the windows it names are searched: most traces have
    // no span linking to them, and the search read the links of the tenant's whole day ±1 h.
    const search =
      links === null
        ? around
        : around.flatMap((r) => [...inside(r, gaps(links.indexed)), ...inside(r, links.linking)]);
    if (search.length === 0) return;
    const where = new Where().scope(scope.tenantId);
    if (scope.tenantId === null && tenant !== null)
      where.add(`tenant_key = ${BigInt.asUintN(64, tenant)}::UBIGINT`);
    where
      .add('links LIKE ?', pattern)
      .add('trace_id <> ?', traceId)
      .add(
        `(${search.map((r) => `(start_ns >= ${r.fromNs} AND start_ns < ${r.toNs})`).join(' OR ')})`,
      );
    const rows = db.queryUpTo(
      `SELECT tenant_id, trace_id, name, start_ns FROM spans ${where.sql}`,
      LINKING_LIMIT + 1,
      where.params,
    );
    rows.catch(() => {});
    linking.push(rows);
  };

  const spans = (await traceRows(db, scope.tenantId, traceId, key, onBranch)).map(spanFromRow);
  const tenants = new Set(spans.map((s) => s.tenantId));
  // Tenants the index did not name (spans not indexed yet): their logs now.
  for (const tenantId of tenants) readLogs(tenantKey(tenantId), tenantId);
  const logs: LogRow[] = (await Promise.all(logReads.values()))
    .flat()
    .map(logFromRow)
    .filter((l) => tenants.has(l.tenantId));
  const linkingRows = await Promise.all(linking);
  const complete = linkingRows.every((rows) => rows.length <= LINKING_LIMIT);
  return {
    spans,
    logs: byTime(logs),
    linking: complete ? { within, spans: linkingRows.flat().map(linkingSpan) } : null,
  };
}

function linkingSpan(r: Row): LinkingSpan {
  return {
    tenantId: String(r.tenant_id),
    traceId: String(r.trace_id),
    name: String(r.name),
    startNs: BigInt(r.start_ns as bigint),
  };
}

/**
 * The parts of `r` inside each range, null bounds unbounded (one OR in the query: overlapping parts
 * match a row once). Outside a set of windows is inside their gaps.
 */
function inside(r: NsRange, ranges: ReadonlyArray<readonly [bigint | null, bigint | null]>) {
  const parts: NsRange[] = [];
  for (const [s, e] of ranges) {
    if ((s !== null && s >= r.toNs) || (e !== null && e <= r.fromNs)) continue;
    const part = { ...r };
    if (s !== null && s > part.fromNs) part.fromNs = s;
    if (e !== null && e < part.toNs) part.toNs = e;
    parts.push(part);
  }
  return parts;
}
