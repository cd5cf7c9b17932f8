import type { RunawayCandidate, RunawayThresholds } from '../../alerts/source.js';
import type { DoctorCounts, DoctorExample, NsRange } from '../read-types.js';
import type { TenantScope } from '../types.js';
import type { ChConnection, ChRow } from './client.js';
import { IS_LLM, IS_TOOL, jsonString, num, ONE_PER_SPAN, strOrNull } from './rows.js';
import { ALL_TENANTS, litList, Where } from './sql.js';

const UNASSIGNED = '_unassigned';
const EXAMPLES = 10;

/**
 * Propagation problems, counted and with examples, with the DuckDB adapter's definitions. 18.16
 * has no window functions and no correlated subqueries, so each check is a count plus an example
 * query, and parent look-ups are GLOBAL IN subqueries (which also work across shards).
 */
export async function doctor(
  ch: ChConnection,
  scope: TenantScope,
  range: NsRange,
  settledBeforeNs: bigint,
): Promise<DoctorCounts> {
  const spans = `${ch.database}.spans`;
  const to = range.toNs < settledBeforeNs ? range.toNs : settledBeforeNs;
  const base = () => new Where(scope).add('start_ns >= ?', range.fromNs).add('start_ns < ?', to);
  const countAndExamples = async (from: string, order: string, columns: string) => {
    const [c] = await ch.query<{ n: string }>(`SELECT count() AS n FROM ${from}`);
    const rows = await ch.query(
      `SELECT ${columns} FROM ${from} ORDER BY ${order} LIMIT ${EXAMPLES}`,
    );
    return { count: num(c?.n), rows };
  };

  // A parent may sit in any tenant's part of the trace (that is a leak the mixed check reports).
  const candidates = `SELECT trace_id FROM ${spans} ${base().add(`parent_span_id != ''`).sql}`;
  const orphanWhere = base()
    .add(`parent_span_id != ''`)
    .add(
      `(trace_id, parent_span_id) GLOBAL NOT IN (SELECT trace_id, span_id FROM ${spans} ${new Where(ALL_TENANTS).add(`trace_id GLOBAL IN (${candidates})`).sql})`,
    );
  const orphans = await countAndExamples(
    `${spans} FINAL ${orphanWhere.sql}`,
    'start_ns DESC',
    'tenant_id, trace_id, span_id, name, parent_span_id',
  );

  const missing = await countAndExamples(
    `${spans} FINAL ${base().add('tenant_id = ?', UNASSIGNED).sql}`,
    'start_ns DESC',
    'tenant_id, trace_id, span_id, name',
  );

  // A trace mixes tenants when spans of two tenants share its id: the loudest leak signal. The
  // traces are chosen in scope; counting their tenants must look across tenants on purpose.
  const inScope = `SELECT trace_id FROM ${spans} ${base().sql}`;
  const mixedFrom = `(SELECT trace_id, uniqExact(tenant_id) AS a_tenants, min(tenant_id) AS a_first
     FROM ${spans} ${new Where(ALL_TENANTS).add(`trace_id GLOBAL IN (${inScope})`).sql}
     GROUP BY trace_id HAVING a_tenants > 1)`;
  const mixed = await countAndExamples(mixedFrom, 'trace_id', 'trace_id, a_tenants, a_first');

  // A run was cut off when its trace holds agent work (LLM, tool, memory, retrieval or agent
  // spans) but no root: the root ends last, so it is what a crash or a missing flush loses.
  // Presence checks and min() do not change with an unmerged duplicate: no FINAL needed.
  const unfinishedFrom = `(SELECT tenant_id, trace_id, min(name) AS a_name FROM ${spans} ${base().sql}
     GROUP BY tenant_id, trace_id
     HAVING countIf(parent_span_id = '') = 0 AND countIf(isNotNull(operation)) > 0)`;
  const unfinished = await countAndExamples(
    unfinishedFrom,
    'trace_id',
    'tenant_id, trace_id, a_name',
  );

  const ex = (r: ChRow, detail: string): DoctorExample => ({
    tenantId: String(r.tenant_id),
    traceId: String(r.trace_id),
    spanId: strOrNull(r.span_id),
    name: strOrNull(r.name ?? r.a_name),
    detail,
  });
  return {
    orphanSpans: {
      count: orphans.count,
      examples: orphans.rows.map((r) =>
        ex(r, `parent span ${String(r.parent_span_id)} never arrived`),
      ),
    },
    missingTenant: {
      count: missing.count,
      examples: missing.rows.map((r) =>
        ex(r, 'span carried no tenant.id and its key is not tenant-bound'),
      ),
    },
    mixedTenantTraces: {
      count: mixed.count,
      examples: mixed.rows.map((r) => ({
        // Never name the other tenants: a tenant-bound reader learns only that a leak exists.
        tenantId: scope.tenantId ?? String(r.a_first),
        traceId: String(r.trace_id),
        spanId: null,
        name: null,
        detail: `trace holds spans of ${num(r.a_tenants)} tenants`,
      })),
    },
    unfinishedRuns: {
      count: unfinished.count,
      examples: unfinished.rows.map((r) =>
        ex(r, 'the run root span never arrived (cut off without an end)'),
      ),
    },
  };
}

export async function runawayRuns(
  ch: ChConnection,
  fromMs: number,
  toMs: number,
  t: RunawayThresholds,
): Promise<RunawayCandidate[]> {
  const spans = `${ch.database}.spans`;
  const from = BigInt(fromMs) * 1_000_000n;
  const to = BigInt(toMs) * 1_000_000n;
  // Children start after their run; an hour bounds how far past the window they are looked for.
  const childTo = to + 3_600_000_000_000n;
  const runsIn = new Where(ALL_TENANTS)
    .add('is_run = 1')
    .add('start_ns >= ?', from)
    .add('start_ns < ?', to);
  const kids = new Where(ALL_TENANTS)
    .add('start_ns >= ?', from)
    .add('start_ns < ?', childTo)
    .add(
      `(tenant_id, trace_id) GLOBAL IN (SELECT tenant_id, trace_id FROM ${spans} ${runsIn.sql})`,
    );
  const args = jsonString(ch.features, 'attributes', 'gen_ai.tool.call.arguments');
  // Inner: one row per (run, tool, arguments) with that group's LLM calls and tokens; outer: per
  // run, the sums and the most repeated (tool, arguments) pair.
  const agg = await ch.query(
    `SELECT tenant_id, trace_id, sum(k_llm) AS a_llm, sum(k_tokens) AS a_tokens,
       max(k_calls) AS a_top_c, argMax(k_tool, k_calls) AS a_tool, argMax(k_args, k_calls) AS a_args
     FROM (
       SELECT tenant_id, trace_id,
         if(${IS_TOOL}, ifNull(tool_name, ''), '') AS k_tool,
         if(${IS_TOOL}, ${args}, '') AS k_args,
         countIf(${IS_LLM}) AS k_llm,
         sumIf(ifNull(input_tokens, 0) + ifNull(output_tokens, 0), ${IS_LLM}) AS k_tokens,
         countIf(${IS_TOOL}) AS k_calls
       FROM ${spans} FINAL ${kids.sql}
       GROUP BY tenant_id, trace_id, k_tool, k_args)
     GROUP BY tenant_id, trace_id
     HAVING a_llm > ${t.maxLlmCalls} OR a_tokens > ${t.maxTokens} OR a_top_c > ${t.maxRepeatedToolCalls}
     ORDER BY a_tokens DESC LIMIT 1000`,
  );
  if (agg.length === 0) return [];
  const keys = agg.map((r) => `(${litList([String(r.tenant_id), String(r.trace_id)])})`);
  const roots = await ch.query(
    `SELECT tenant_id, trace_id, span_id, agent_name FROM ${spans}
     ${runsIn.add(`(tenant_id, trace_id) IN (${keys.join(', ')})`).sql} ${ONE_PER_SPAN}`,
  );
  const rootsByRun = new Map<string, ChRow[]>();
  for (const r of roots) {
    const k = `${r.tenant_id}\u0000${r.trace_id}`;
    rootsByRun.set(k, [...(rootsByRun.get(k) ?? []), r]);
  }
  return agg.flatMap((a) =>
    (rootsByRun.get(`${a.tenant_id}\u0000${a.trace_id}`) ?? []).map((r) => ({
      tenantId: String(a.tenant_id),
      traceId: String(a.trace_id),
      spanId: String(r.span_id),
      agentName: strOrNull(r.agent_name),
      llmCalls: num(a.a_llm),
      totalTokens: num(a.a_tokens),
      topRepeatedTool:
        num(a.a_top_c) === 0
          ? null
          : { name: String(a.a_tool), arguments: String(a.a_args), count: num(a.a_top_c) },
    })),
  );
}
