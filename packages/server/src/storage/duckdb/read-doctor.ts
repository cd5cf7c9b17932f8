import type { RunawayCandidate, RunawayThresholds } from '../../alerts/source.js';
import type { DoctorCounts, DoctorExample, NsRange } from '../read-types.js';
import type { TenantScope } from '../types.js';
import { type DuckDb, num, type Row, strOrNull } from './database.js';
import { IS_LLM, Where } from './rows.js';

const UNASSIGNED = '_unassigned';
const EXAMPLES = 10;

/**
 * Propagation problems, counted and with examples. Only spans that started before
 * `settledBeforeNs` are judged, so a parent still in flight is not called an orphan.
 */
export async function doctor(
  db: DuckDb,
  scope: TenantScope,
  range: NsRange,
  settledBeforeNs: bigint,
): Promise<DoctorCounts> {
  const to = range.toNs < settledBeforeNs ? range.toNs : settledBeforeNs;
  const base = () =>
    new Where()
      .scope(scope.tenantId, 's.')
      .add('s.start_ns >= ?', range.fromNs)
      .add('s.start_ns < ?', to);

  const orphanWhere = base().add(`s.parent_span_id <> ''`);
  const orphans = await db.query(
    `SELECT s.tenant_id, s.trace_id, s.span_id, s.name, s.parent_span_id, count(*) OVER () AS total
     FROM spans s ${orphanWhere.sql}
       AND NOT EXISTS (SELECT 1 FROM spans p WHERE p.trace_key = s.trace_key
         AND p.trace_id = s.trace_id AND p.span_id = s.parent_span_id)
     ORDER BY s.start_ns DESC LIMIT ${EXAMPLES}`,
    orphanWhere.params,
  );

  const missing = await db.query(
    `SELECT s.tenant_id, s.trace_id, s.span_id, s.name, count(*) OVER () AS total
     FROM spans s ${base().add('s.tenant_id = ?', UNASSIGNED).sql}
     ORDER BY s.start_ns DESC LIMIT ${EXAMPLES}`,
    base().add('s.tenant_id = ?', UNASSIGNED).params,
  );

  // A trace mixes tenants when spans of two tenants share its id: the loudest leak signal.
  const mixedWhere = base();
  const mixed = await db.query(
    `WITH t AS (SELECT DISTINCT s.trace_id FROM spans s ${mixedWhere.sql}),
     m AS (SELECT trace_id, count(DISTINCT tenant_id) AS tenants, min(tenant_id) AS first_tenant
           FROM spans WHERE trace_id IN (SELECT trace_id FROM t) GROUP BY trace_id HAVING count(DISTINCT tenant_id) > 1)
     SELECT trace_id, tenants, first_tenant, count(*) OVER () AS total FROM m ORDER BY trace_id LIMIT ${EXAMPLES}`,
    mixedWhere.params,
  );

  // A run was cut off when its trace holds agent work (LLM, tool, memory, retrieval or agent
  // spans) but no root: the root ends last, so it is what a crash or a missing flush loses.
  const unfinishedWhere = base();
  const unfinished = await db.query(
    `WITH t AS (SELECT DISTINCT s.trace_id FROM spans s ${unfinishedWhere.sql})
     SELECT trace_id, arg_min(tenant_id, start_ns) AS tenant_id, arg_min(name, start_ns) AS name,
       count(*) OVER () AS total
     FROM spans WHERE trace_id IN (SELECT trace_id FROM t)
     GROUP BY trace_id
     HAVING count(*) FILTER (WHERE parent_span_id = '') = 0
        AND count(*) FILTER (WHERE operation IS NOT NULL) > 0
     ORDER BY trace_id LIMIT ${EXAMPLES}`,
    unfinishedWhere.params,
  );
  if (scope.tenantId !== null) for (const r of unfinished) r.tenant_id = scope.tenantId;

  const total = (rows: Row[]) => num(rows[0]?.total);
  const ex = (r: Row, detail: string): DoctorExample => ({
    tenantId: String(r.tenant_id ?? r.first_tenant),
    traceId: String(r.trace_id),
    spanId: strOrNull(r.span_id),
    name: strOrNull(r.name),
    detail,
  });
  return {
    orphanSpans: {
      count: total(orphans),
      examples: orphans.map((r) => ex(r, `parent span ${String(r.parent_span_id)} never arrived`)),
    },
    missingTenant: {
      count: total(missing),
      examples: missing.map((r) =>
        ex(r, 'span carried no tenant.id and its key is not tenant-bound'),
      ),
    },
    mixedTenantTraces: {
      count: total(mixed),
      examples: mixed.map((r) => ({
        // Never name the other tenants: a tenant-bound reader learns only that a leak exists.
        ...ex(
          { ...r, tenant_id: scope.tenantId ?? r.first_tenant ?? null },
          `trace holds spans of ${num(r.tenants)} tenants`,
        ),
        spanId: null,
        name: null,
      })),
    },
    unfinishedRuns: {
      count: total(unfinished),
      examples: unfinished.map((r) =>
        ex(r, 'the run root span never arrived (cut off without an end)'),
      ),
    },
  };
}

export async function runawayRuns(
  db: DuckDb,
  fromMs: number,
  toMs: number,
  t: RunawayThresholds,
): Promise<RunawayCandidate[]> {
  const from = BigInt(fromMs) * 1_000_000n;
  const to = BigInt(toMs) * 1_000_000n;
  // Children start after their run; an hour bounds how far past the window they are looked for.
  const childTo = to + 3_600_000_000_000n;
  const rows = await db.query(
    `WITH runs AS (
       SELECT tenant_id, trace_id, span_id, agent_name FROM spans
       WHERE is_run AND start_ns >= ? AND start_ns < ?),
     kids AS (
       SELECT s.* FROM spans s SEMI JOIN runs r ON s.tenant_id = r.tenant_id AND s.trace_id = r.trace_id
       WHERE s.start_ns >= ? AND s.start_ns < ?),
     agg AS (
       SELECT tenant_id, trace_id, count(*) FILTER (WHERE ${IS_LLM}) AS llm_calls,
         coalesce(sum(coalesce(input_tokens, 0) + coalesce(output_tokens, 0)) FILTER (WHERE ${IS_LLM}), 0) AS tokens
       FROM kids GROUP BY tenant_id, trace_id),
     rep AS (
       SELECT tenant_id, trace_id, tool_name,
         coalesce(json_extract_string(attributes, '$."gen_ai.tool.call.arguments"'), '') AS args, count(*) AS c
       FROM kids WHERE operation = 'execute_tool' GROUP BY ALL),
     top AS (
       SELECT tenant_id, trace_id, arg_max(tool_name, c) AS tool, arg_max(args, c) AS args, max(c) AS c
       FROM rep GROUP BY tenant_id, trace_id)
     SELECT r.tenant_id, r.trace_id, r.span_id, r.agent_name, a.llm_calls, a.tokens, top.tool, top.args, top.c
     FROM runs r JOIN agg a USING (tenant_id, trace_id) LEFT JOIN top USING (tenant_id, trace_id)
     WHERE a.llm_calls > ? OR a.tokens > ? OR coalesce(top.c, 0) > ?
     ORDER BY a.tokens DESC LIMIT 1000`,
    [from, to, from, childTo, t.maxLlmCalls, t.maxTokens, t.maxRepeatedToolCalls],
  );
  return rows.map((r) => ({
    tenantId: String(r.tenant_id),
    traceId: String(r.trace_id),
    spanId: String(r.span_id),
    agentName: strOrNull(r.agent_name),
    llmCalls: num(r.llm_calls),
    totalTokens: num(r.tokens),
    topRepeatedTool:
      r.tool === null || r.tool === undefined
        ? null
        : { name: String(r.tool), arguments: String(r.args ?? ''), count: num(r.c) },
  }));
}
