import { runRowsFromColumns } from '../aggregate-columns.js';
import {
  childrenWindow,
  type LogFilter,
  type NsRange,
  type RunFilter,
  type RunRow,
  type SpanFilter,
  WHY_FIELDS,
} from '../read-types.js';
import type { LogRow, SpanRow, TenantScope } from '../types.js';
import { MAX_RUN_NS as WHY_MAX_RUN_NS } from '../why-columns.js';
import type { DuckDb, Row } from './database.js';
import { firstRows } from './first-rows.js';
import { WHY_VALUE_SQL } from './read-why.js';
import {
  IS_LLM,
  IS_TOOL,
  likePattern,
  logFromRow,
  spanFromRow,
  tenantKey,
  traceKey,
  Where,
} from './rows.js';
import { traceRows } from './trace-index.js';

const STATUS_CODE = { unset: 0, ok: 1, error: 2 } as const;

export async function listRuns(db: DuckDb, scope: TenantScope, f: RunFilter): Promise<RunRow[]> {
  const where = new Where()
    .scope(scope.tenantId)
    .add('is_run')
    .add('start_ns >= ?', f.range.fromNs)
    .add('start_ns < ?', f.range.toNs);
  // A run that ended without error and never set OK (the OpenTelemetry default) succeeded too.
  if (f.status === 'ok') where.add('status_code <> ?', STATUS_CODE.error);
  else if (f.status) where.add('status_code = ?', STATUS_CODE[f.status]);
  if (f.agent) where.add('(agent_name = ? OR agent_id = ?)', f.agent, f.agent);
  if (f.minDurationNs !== undefined) where.add('duration_ns >= ?', f.minDurationNs);
  if (f.finding) {
    const spans = new Where()
      .scope(scope.tenantId)
      .add('start_ns >= ?', f.range.fromNs)
      .add('start_ns < ?', f.range.toNs + WHY_MAX_RUN_NS)
      .add(`(${WHY_VALUE_SQL[WHY_FIELDS.indexOf(f.finding.field)]}) = ?`, f.finding.value);
    where.add(`trace_id IN (SELECT trace_id FROM spans ${spans.sql})`, ...spans.params);
  }
  if (f.q) {
    const p = likePattern(f.q);
    where.add(
      `(name ILIKE ? ESCAPE '\\' OR status_message ILIKE ? ESCAPE '\\' OR trace_id = ? OR attributes ILIKE ? ESCAPE '\\')`,
      p,
      p,
      f.q.toLowerCase(),
      p,
    );
  }
  // The first error is the earliest failed span in the run's timeline (the root when it failed).
  const roots = (
    await db.query(
      `SELECT * FROM spans ${where.sql} ORDER BY start_ns DESC, span_id LIMIT ${f.limit} OFFSET ${f.offset}`,
      where.params,
    )
  ).map(spanFromRow);
  if (roots.length === 0) return [];
  // Children are aggregated per trace for just this page of runs.
  const traceIds = [...new Set(roots.map((r) => r.traceId))];
  // Children start within their run (give or take clock skew between hosts); the time bound lets
  // zone maps skip everything else.
  const children = childrenWindow(roots.map((r) => r.startTimeUnixNano));
  const aggWhere = new Where()
    .scope(scope.tenantId)
    .add('start_ns >= ?', children.fromNs)
    .add('start_ns < ?', children.toNs);
  // A semi-join on the integer trace key is a hash join; an IN list would be tested row by row.
  // Key collisions are harmless: results are matched back by (tenant, trace id) below.
  const page = `(VALUES ${traceIds.map(() => '(?::UBIGINT)').join(', ')}) AS page(k)`;
  const aggs = await db.query(
    `SELECT tenant_id, trace_id,
       count(*) FILTER (WHERE ${IS_LLM}) AS a_llm_calls,
       coalesce(sum(input_tokens) FILTER (WHERE ${IS_LLM}), 0) AS a_input_tokens,
       coalesce(sum(output_tokens) FILTER (WHERE ${IS_LLM}), 0) AS a_output_tokens,
       count(*) FILTER (WHERE ${IS_TOOL}) AS a_tool_calls,
       count(*) FILTER (WHERE ${IS_TOOL} AND status_code = 2) AS a_tool_errors,
       arg_min(CASE WHEN status_message <> '' THEN status_message ELSE coalesce(error_type, name) END, start_ns)
         FILTER (WHERE status_code = 2) AS a_first_error
     FROM spans SEMI JOIN ${page} ON spans.trace_key = page.k
     ${aggWhere.sql}
     GROUP BY tenant_id, trace_id`,
    [...traceIds.map(traceKey), ...aggWhere.params],
  );
  return runRowsFromColumns(roots, aggs);
}

export async function traceSpans(
  db: DuckDb,
  scope: TenantScope,
  traceId: string,
): Promise<SpanRow[]> {
  // Through the trace index (trace-index.ts): its windows and tenants, not every row group.
  const rows = await traceRows(db, scope.tenantId, traceId, traceKey(traceId));
  return rows.map(spanFromRow);
}

export async function traceLogs(
  db: DuckDb,
  scope: TenantScope,
  traceId: string,
): Promise<LogRow[]> {
  const tenant =
    scope.tenantId === null ? null : { key: tenantKey(scope.tenantId), id: scope.tenantId };
  return (await traceLogRows(db, traceId, traceKey(traceId), tenant)).map(logFromRow);
}

/**
 * A trace's log rows by time, at most 20,000: of one tenant, by its key and (when known) its id,
 * or of every tenant (`tenant` null).
 */
export function traceLogRows(
  db: DuckDb,
  traceId: string,
  key: bigint,
  tenant: { key: bigint; id: string | null } | null,
): Promise<Row[]> {
  const where = new Where().add('trace_key = ?::UBIGINT', key).add('trace_id = ?', traceId);
  if (tenant !== null) {
    where.add('tenant_key = ?::UBIGINT', tenant.key);
    if (tenant.id !== null) where.add('tenant_id = ?', tenant.id);
  }
  return firstRows(
    db,
    [{ sql: `SELECT * FROM logs ${where.sql}`, params: where.params }],
    [{ column: 'time_ns', type: 'bigint' }],
    20_000,
  );
}

export async function linkedTraces(
  db: DuckDb,
  scope: TenantScope,
  traceId: string,
  linksTo: string[],
  window?: NsRange,
): Promise<Array<{ traceId: string; rootName: string; relation: 'links_to' | 'linked_from' }>> {
  const out: Array<{ traceId: string; rootName: string; relation: 'links_to' | 'linked_from' }> =
    [];
  if (linksTo.length > 0) {
    const where = new Where()
      .scope(scope.tenantId)
      .add(`trace_key IN (${linksTo.map(() => '?::UBIGINT').join(', ')})`, ...linksTo.map(traceKey))
      .add(`trace_id IN (${linksTo.map(() => '?').join(', ')})`, ...linksTo)
      .add(`parent_span_id = ''`);
    for (const r of await db.query(`SELECT trace_id, name FROM spans ${where.sql}`, where.params)) {
      out.push({ traceId: String(r.trace_id), rootName: String(r.name), relation: 'links_to' });
    }
  }
  const where = new Where()
    .scope(scope.tenantId)
    .add('links LIKE ?', `%"traceId":"${traceId}"%`)
    .add('trace_id <> ?', traceId);
  if (window) where.add('start_ns >= ?', window.fromNs).add('start_ns < ?', window.toNs);
  const from = await db.query(
    `SELECT trace_id, arg_min(name, start_ns) AS name FROM spans ${where.sql} GROUP BY trace_id LIMIT 100`,
    where.params,
  );
  for (const r of from)
    out.push({ traceId: String(r.trace_id), rootName: String(r.name), relation: 'linked_from' });
  return out;
}

export async function searchSpans(
  db: DuckDb,
  scope: TenantScope,
  f: SpanFilter,
): Promise<SpanRow[]> {
  const where = new Where()
    .scope(scope.tenantId)
    .add('start_ns >= ?', f.range.fromNs)
    .add('start_ns < ?', f.range.toNs);
  if (f.name) where.add('name = ?', f.name);
  if (f.tool) where.add('tool_name = ?', f.tool);
  if (f.model) where.add('model = ?', f.model);
  if (f.status) where.add('status_code = ?', STATUS_CODE[f.status]);
  for (const { key, value } of f.attributes) {
    // The JSON path is a bound parameter too: an attribute key can never become SQL.
    where.add('json_extract_string(attributes, ?) = ?', `$."${key}"`, value);
  }
  const rows = await db.query(
    `SELECT * FROM spans ${where.sql} ORDER BY start_ns DESC, span_id LIMIT ${f.limit} OFFSET ${f.offset}`,
    where.params,
  );
  return rows.map(spanFromRow);
}

export async function searchLogs(db: DuckDb, scope: TenantScope, f: LogFilter): Promise<LogRow[]> {
  const where = new Where()
    .scope(scope.tenantId)
    .add('time_ns >= ?', f.range.fromNs)
    .add('time_ns < ?', f.range.toNs);
  if (f.minSeverity !== undefined) where.add('severity_number >= ?', f.minSeverity);
  if (f.q) where.add(`body ILIKE ? ESCAPE '\\'`, likePattern(f.q));
  if (f.traceId)
    where.add('trace_key = ?::UBIGINT', traceKey(f.traceId)).add('trace_id = ?', f.traceId);
  if (f.agent) where.add('agent_id = ?', f.agent);
  const rows = await db.query(
    `SELECT * FROM logs ${where.sql} ORDER BY time_ns DESC LIMIT ${f.limit} OFFSET ${f.offset}`,
    where.params,
  );
  return rows.map(logFromRow);
}
