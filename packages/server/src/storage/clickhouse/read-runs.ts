import { runRowsFromColumns } from '../aggregate-columns.js';
import {
  childrenWindow,
  type LogFilter,
  type NsRange,
  type RunFilter,
  type RunRow,
  type SpanFilter,
  startBounds,
  WHY_FIELDS,
} from '../read-types.js';
import type { LogRow, SpanRow, TenantScope } from '../types.js';
import { MAX_RUN_NS as WHY_MAX_RUN_NS } from '../why-columns.js';
import type { ChConnection } from './client.js';
import { whyValueSql } from './read-why.js';
import {
  IS_LLM,
  IS_TOOL,
  jsonRaw,
  jsonString,
  logFromRow,
  ONE_PER_SPAN,
  spanFromRow,
} from './rows.js';
import { containsCi, limit, litList, Where } from './sql.js';

const STATUS_CODE = { unset: 0, ok: 1, error: 2 } as const;

/**
 * A page of whole spans in two steps: the sort and LIMIT run over the few key columns, then only
 * the page's rows are read in full by primary key. Sorting `SELECT *` would read every column of
 * every matching granule first.
 */
async function spanPage(
  ch: ChConnection,
  where: Where,
  order: string,
  count: number,
  offset: number,
): Promise<SpanRow[]> {
  const spans = `${ch.database}.spans`;
  const keys = await ch.query<{
    tenant_id: string;
    trace_id: string;
    span_id: string;
    start_ns: string;
  }>(
    `SELECT tenant_id, trace_id, span_id, start_ns FROM ${spans} ${where.sql}
     ORDER BY ${order} ${ONE_PER_SPAN} ${limit(count, offset)}`,
  );
  if (keys.length === 0) return [];
  const tuples = keys.map((k) => `(${litList([k.tenant_id, k.trace_id, k.span_id])})`);
  // The page's start times bound the read to its day partitions: without them the key look-up
  // read the tenant's granules in every partition (a month: 143,360 rows, 53 ms on 18.16 for a
  // page of one day; docs/scaling.md). A span's start never changes, so no copy falls outside.
  const { min, max } = startBounds(keys.map((k) => BigInt(k.start_ns)));
  const rows = await ch.query(
    `SELECT * FROM ${spans}
     ${
       new Where(where.scope)
         .add('start_ns >= ?', min)
         .add('start_ns <= ?', max)
         .add(`(tenant_id, trace_id, span_id) IN (${tuples.join(', ')})`).sql
     }
     ${ONE_PER_SPAN}`,
  );
  const byKey = new Map(
    rows.map((r) => [`${r.tenant_id}\u0000${r.trace_id}\u0000${r.span_id}`, r]),
  );
  return keys.flatMap((k) => {
    const r = byKey.get(`${k.tenant_id}\u0000${k.trace_id}\u0000${k.span_id}`);
    return r ? [spanFromRow(r)] : [];
  });
}

export async function listRuns(
  ch: ChConnection,
  scope: TenantScope,
  f: RunFilter,
): Promise<RunRow[]> {
  const db = ch.database;
  const where = new Where(scope)
    .add('is_run = 1')
    .add('start_ns >= ?', f.range.fromNs)
    .add('start_ns < ?', f.range.toNs);
  // A run that ended without error and never set OK (the OpenTelemetry default) succeeded too.
  if (f.status === 'ok') where.add('status_code <> ?', STATUS_CODE.error);
  else if (f.status) where.add('status_code = ?', STATUS_CODE[f.status]);
  if (f.agent) where.add('(agent_name = ? OR agent_id = ?)', f.agent, f.agent);
  if (f.minDurationNs !== undefined) where.add('duration_ns >= ?', f.minDurationNs);
  if (f.finding) {
    const spans = new Where(scope)
      .add('start_ns >= ?', f.range.fromNs)
      .add('start_ns < ?', f.range.toNs + WHY_MAX_RUN_NS)
      .add(`${whyValueSql(ch)[WHY_FIELDS.indexOf(f.finding.field)]} = ?`, f.finding.value);
    // GLOBAL: on a cluster of Distributed tables a plain IN subquery is denied (double-distributed).
    where.add(`trace_id GLOBAL IN (SELECT trace_id FROM ${db}.spans ${spans.sql})`);
  }
  if (f.q) {
    where.add(
      `(${containsCi('name', f.q)} OR ${containsCi('status_message', f.q)} OR trace_id = ? OR ${containsCi('attributes', f.q)})`,
      f.q.toLowerCase(),
    );
  }
  const roots = await spanPage(ch, where, 'start_ns DESC, span_id', f.limit, f.offset);
  if (roots.length === 0) return [];
  // Children are aggregated per trace for just this page of runs.
  const traceIds = [...new Set(roots.map((r) => r.traceId))];
  // Children start within the hour after their run's start (give or take the clock skew between
  // hosts), as DuckDB reads them: the bound keeps
  // the read to the page's day partitions instead of the tenant's granules in every one (a month
  // at 100 M spans on 18.16: 143,360 rows, 23 ms for a page of one day; docs/scaling.md).
  const children = childrenWindow(roots.map((r) => r.startTimeUnixNano));
  const aggWhere = new Where(scope)
    .add('start_ns >= ?', children.fromNs)
    .add('start_ns < ?', children.toNs)
    .add(`trace_id IN (${traceIds.map(() => '?').join(', ')})`, ...traceIds);
  const failed = 'status_code = 2';
  const aggs = await ch.query(
    `SELECT tenant_id, trace_id,
       countIf(${IS_LLM}) AS a_llm_calls,
       sumIf(ifNull(input_tokens, 0), ${IS_LLM}) AS a_input_tokens,
       sumIf(ifNull(output_tokens, 0), ${IS_LLM}) AS a_output_tokens,
       countIf(${IS_TOOL}) AS a_tool_calls,
       countIf(${IS_TOOL} AND ${failed}) AS a_tool_errors,
       if(countIf(${failed}) = 0, NULL,
          argMinIf(if(status_message != '', status_message, ifNull(error_type, name)), start_ns, ${failed})) AS a_first_error
     FROM (SELECT tenant_id, trace_id, span_id, name, operation, input_tokens, output_tokens,
             status_code, status_message, error_type, start_ns, is_llm, is_tool
           FROM ${db}.spans ${aggWhere.sql} ${ONE_PER_SPAN})
     GROUP BY tenant_id, trace_id`,
  );
  return runRowsFromColumns(roots, aggs);
}

export async function traceSpans(
  ch: ChConnection,
  scope: TenantScope,
  traceId: string,
): Promise<SpanRow[]> {
  const found = await locateTrace(ch, scope, traceId);
  return found === null ? [] : spansOf(ch, scope, traceId, found);
}

/** Where the trace index says a trace's spans are: its tenants, and the days that hold them. */
export interface TraceLocation {
  tenants: string[];
  range: NsRange;
}

export async function locateTrace(
  ch: ChConnection,
  scope: TenantScope,
  traceId: string,
): Promise<TraceLocation | null> {
  // The trace index (schema v7) names the trace's tenants and days: the spans read is then a
  // primary-key range in those days' partitions, with or without a tenant-bound scope. The days
  // are toYYYYMMDD in the time zone of the node that stored the span (its materialized view); the
  // bounds are taken in this node's, which on one node is the same zone, so the read touches the
  // trace's day partitions only (a day's margin either side read three for one: 10,240 vs ~4,096
  // rows of every column at 100 M spans on 18.16). On a cluster another node's zone may differ, so
  // the bounds are widened by the widest difference (18.16 does not prune partitions by a filter on
  // the partition expression itself, which would have been exact).
  const ymd = (d: string) =>
    `toDate(concat(substring(toString(${d}), 1, 4), '-', substring(toString(${d}), 5, 2), '-', substring(toString(${d}), 7, 2)))`;
  const hits = await ch.query<{ tenant_id: string; from_s: string; to_s: string }>(
    `SELECT tenant_id, toUInt64(toUnixTimestamp(toDateTime(${ymd('min(day)')}))) AS from_s,
       toUInt64(toUnixTimestamp(toDateTime(${ymd('max(day)')} + 1))) AS to_s
     FROM ${ch.database}.trace_index
     ${new Where(scope).add('trace_key = cityHash64(?)', traceId).sql} GROUP BY tenant_id`,
  );
  if (hits.length === 0) return null;
  const margin = ch.cluster ? ZONE_MARGIN_NS : 0n;
  return {
    tenants: hits.map((h) => h.tenant_id),
    range: {
      fromNs: BigInt(Math.min(...hits.map((h) => Number(h.from_s)))) * SECOND_NS - margin,
      toNs: BigInt(Math.max(...hits.map((h) => Number(h.to_s)))) * SECOND_NS + margin,
    },
  };
}

/** A located trace's spans, in scope. */
export async function spansOf(
  ch: ChConnection,
  scope: TenantScope,
  traceId: string,
  found: TraceLocation,
): Promise<SpanRow[]> {
  const where = new Where(scope)
    .add(`tenant_id IN (${litList(found.tenants)})`)
    .add('trace_id = ?', traceId)
    .add('start_ns >= ?', found.range.fromNs)
    .add('start_ns < ?', found.range.toNs);
  const rows = await ch.query(
    `SELECT * FROM ${ch.database}.spans ${where.sql}
     ORDER BY start_ns, span_id ${ONE_PER_SPAN} LIMIT 20000`,
  );
  return rows.map(spanFromRow);
}

const SECOND_NS = 1_000_000_000n;
/** Time zones differ by up to 26 hours (UTC-12 to UTC+14): a day's bounds in one, widened so. */
const ZONE_MARGIN_NS = 26n * 3_600n * SECOND_NS;

export async function traceLogs(
  ch: ChConnection,
  scope: TenantScope,
  traceId: string,
): Promise<LogRow[]> {
  const where = new Where(scope).add('trace_id = ?', traceId);
  const rows = await ch.query(
    `SELECT * FROM ${ch.database}.logs ${where.sql} ORDER BY time_ns LIMIT 20000`,
  );
  return rows.map(logFromRow);
}

export async function linkedTraces(
  ch: ChConnection,
  scope: TenantScope,
  traceId: string,
  linksTo: string[],
  window?: NsRange,
): Promise<Array<{ traceId: string; rootName: string; relation: 'links_to' | 'linked_from' }>> {
  const db = ch.database;
  const out: Array<{ traceId: string; rootName: string; relation: 'links_to' | 'linked_from' }> =
    [];
  if (linksTo.length > 0) {
    const where = new Where(scope)
      .add(`trace_id IN (${linksTo.map(() => '?').join(', ')})`, ...linksTo)
      .add(`parent_span_id = ''`);
    for (const r of await ch.query(
      `SELECT tenant_id, trace_id, span_id, name FROM ${db}.spans ${where.sql} ${ONE_PER_SPAN}`,
    )) {
      out.push({ traceId: String(r.trace_id), rootName: String(r.name), relation: 'links_to' });
    }
  }
  const where = new Where(scope)
    .add('position(links, ?) > 0', `"traceId":"${traceId}"`)
    .add('trace_id != ?', traceId);
  // Around the trace's time, as on DuckDB: without it the search read the tenant's links in every
  // day partition (the biggest tenants' trace pages, 100 M spans: docs/scaling.md).
  if (window) where.add('start_ns >= ?', window.fromNs).add('start_ns < ?', window.toNs);
  const from = await ch.query(
    // argMin over a trace is the same with or without a not-yet-merged duplicate: no dedup needed.
    `SELECT trace_id, argMin(name, start_ns) AS a_root FROM ${db}.spans ${where.sql}
     GROUP BY trace_id LIMIT 100`,
  );
  for (const r of from) {
    out.push({ traceId: String(r.trace_id), rootName: String(r.a_root), relation: 'linked_from' });
  }
  return out;
}

export async function searchSpans(
  ch: ChConnection,
  scope: TenantScope,
  f: SpanFilter,
): Promise<SpanRow[]> {
  const where = new Where(scope)
    .add('start_ns >= ?', f.range.fromNs)
    .add('start_ns < ?', f.range.toNs);
  if (f.name) where.add('name = ?', f.name);
  if (f.tool) where.add('tool_name = ?', f.tool);
  if (f.model) where.add('model = ?', f.model);
  if (f.status) where.add('status_code = ?', STATUS_CODE[f.status]);
  for (const { key, value } of f.attributes) {
    // The key is rendered as an escaped literal too: an attribute key can never become SQL.
    // A string attribute matches its text; a number or boolean matches as written in JSON.
    where.add(
      `(${jsonString(ch.features, 'attributes', key)} = ? OR ${jsonRaw(ch.features, 'attributes', key)} = ?)`,
      value,
      value,
    );
  }
  return spanPage(ch, where, 'start_ns DESC, span_id', f.limit, f.offset);
}

export async function searchLogs(
  ch: ChConnection,
  scope: TenantScope,
  f: LogFilter,
): Promise<LogRow[]> {
  const where = new Where(scope)
    .add('time_ns >= ?', f.range.fromNs)
    .add('time_ns < ?', f.range.toNs);
  if (f.minSeverity !== undefined) where.add('severity_number >= ?', f.minSeverity);
  if (f.q) where.add(containsCi('body', f.q));
  if (f.traceId) where.add('trace_id = ?', f.traceId);
  if (f.agent) where.add('agent_id = ?', f.agent);
  const rows = await ch.query(
    `SELECT * FROM ${ch.database}.logs ${where.sql} ORDER BY time_ns DESC ${limit(f.limit, f.offset)}`,
  );
  return rows.map(logFromRow);
}
