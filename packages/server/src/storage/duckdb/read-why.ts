import type { WhyCounts, WhyQuery } from '../read-types.js';
import { NEGATIVE_BELOW } from '../score-types.js';
import { MAX_RUN_NS, WHY_FIELD_LIST, whyFacetFromColumns } from '../why-columns.js';
import type { DuckDb } from './database.js';
import { Where } from './rows.js';

/**
 * The facet value of each WHY_FIELDS entry, in the same order, as DuckDB SQL over one span. A
 * failed.* value is only set on spans with status ERROR; empty text counts as no value.
 */
const VALUES = [
  'name',
  'CASE WHEN status_code = 2 THEN name END',
  'tool_name',
  'CASE WHEN status_code = 2 THEN tool_name END',
  'error_type',
  "CASE WHEN status_message <> '' THEN left(status_message, 200) END",
  'operation',
  'model',
  'provider',
  'agent_name',
  'service_name',
  `json_extract_string(resource_attributes, '$."service.version"')`,
  `json_extract_string(resource_attributes, '$."deployment.environment.name"')`,
];

/** One tenant's failing vs passing runs, counted per facet value (see WhyStore). */
export async function whyFacets(db: DuckDb, tenantId: string, q: WhyQuery): Promise<WhyCounts> {
  const runsWhere = new Where()
    .scope(tenantId)
    .add('is_run')
    .add('start_ns >= ?', q.range.fromNs)
    .add('start_ns < ?', q.range.toNs);
  // A run is keyed by hash(trace_id), 64 bits of the whole id: grouping and joining on one integer
  // instead of a string is what keeps a busy tenant's day well under a second (bench/why).
  const runs = `SELECT hash(trace_id) AS run_key, any_value(trace_key) AS trace_key,
      any_value(trace_id) AS trace_id, ${failedRun(q)} AS failed
    FROM spans ${runsWhere.sql} GROUP BY run_key`;
  const [totals] = await db.query(
    `SELECT count(*) AS a_runs, count(*) FILTER (WHERE failed) AS a_failed FROM (${runs})`,
    runsWhere.params,
  );
  const runCount = Number(totals?.a_runs ?? 0);
  const failedRuns = Number(totals?.a_failed ?? 0);
  if (runCount === 0) return { runs: 0, failedRuns: 0, facets: [] };
  // Children start within their run: the time bound lets zone maps skip the rest of the table.
  const spanWhere = new Where()
    .scope(tenantId)
    .add('start_ns >= ?', q.range.fromNs)
    .add('start_ns < ?', q.range.toNs + MAX_RUN_NS);
  const score = `abs(a_failed / ${Math.max(failedRuns, 1)}.0 - a_passed / ${Math.max(runCount - failedRuns, 1)}.0)`;
  const rows = await db.query(
    `WITH runs AS (${runs}),
     facts AS (
       SELECT run_key, field, value, min(start_ns) AS first_ns, max(start_ns) AS last_ns
       FROM (
         SELECT hash(trace_id) AS run_key, start_ns,
           unnest([${WHY_FIELD_LIST.map((f) => `'${f}'`).join(', ')}]) AS field,
           unnest([${VALUES.join(', ')}]) AS value
         -- The integer trace key narrows the scan cheaply (a superset: 64-bit ids padded with zeros
         -- share it); the join with runs on run_key below keeps only the runs' own spans.
         FROM spans SEMI JOIN runs USING (trace_key) ${spanWhere.sql}
       )
       WHERE value IS NOT NULL AND value <> ''
       GROUP BY run_key, field, value
     ),
     counted AS (
       SELECT field, value,
         count(*) FILTER (WHERE failed) AS a_failed,
         count(*) FILTER (WHERE NOT failed) AS a_passed,
         min(first_ns) AS a_first_ns,
         max(last_ns) AS a_last_ns,
         arg_max(runs.trace_id, last_ns) FILTER (WHERE failed) AS a_failed_trace,
         arg_max(runs.trace_id, last_ns) FILTER (WHERE NOT failed) AS a_passed_trace
       FROM facts JOIN runs USING (run_key)
       GROUP BY field, value
     )
     SELECT * FROM counted
     QUALIFY row_number() OVER (PARTITION BY field ORDER BY ${score} DESC, a_failed DESC, value) <= ${q.perField}
     ORDER BY field, ${score} DESC, a_failed DESC, value`,
    [...runsWhere.params, ...spanWhere.params],
  );
  return { runs: runCount, failedRuns, facets: rows.map(whyFacetFromColumns) };
}

/**
 * Whether a run is in the cohort compared with the rest, over its spans: a span failed, or (the
 * negative-feedback cohort) the run has a negative score of its own tenant, whenever given. The
 * scores are matched on the span's own tenant, so the query needs no further parameter.
 */
function failedRun(q: WhyQuery): string {
  return q.cohort === 'negative_feedback'
    ? `bool_or(trace_id IN (SELECT s.trace_id FROM scores s
        WHERE s.tenant_id = spans.tenant_id AND s.value < ${NEGATIVE_BELOW}))`
    : 'bool_or(status_code = 2)';
}
