import type { WhyCounts, WhyQuery } from '../read-types.js';
import { NEGATIVE_BELOW } from '../score-types.js';
import { MAX_RUN_NS, WHY_FIELD_LIST, whyFacetFromColumns } from '../why-columns.js';
import type { ChConnection } from './client.js';
import { jsonString } from './rows.js';
import { lit, Where } from './sql.js';

/**
 * One tenant's failing vs passing runs, counted per facet value (see WhyStore). Counting distinct
 * runs per value is the same with or without a not-yet-merged duplicate span, so no FINAL. GLOBAL:
 * on a cluster the run list is computed once and sent to the tenant's shard.
 */
export async function whyFacets(
  ch: ChConnection,
  tenantId: string,
  q: WhyQuery,
): Promise<WhyCounts> {
  const spans = `${ch.database}.spans`;
  const scope = { tenantId };
  const runsWhere = new Where(scope)
    .add('is_run = 1')
    .add('start_ns >= ?', q.range.fromNs)
    .add('start_ns < ?', q.range.toNs);
  // The negative-feedback cohort: runs with a negative score, whenever the score was given.
  const scored = new Where(scope).add(`value < ${NEGATIVE_BELOW}`);
  const inCohort =
    q.cohort === 'negative_feedback'
      ? `max(trace_id GLOBAL IN (SELECT trace_id FROM ${ch.database}.scores ${scored.sql}))`
      : 'max(status_code = 2)';
  // A run is keyed by cityHash64(trace_id): grouping and joining on one integer, not a string.
  const runs = `SELECT cityHash64(trace_id) AS run_key, any(trace_id) AS run_trace,
      ${inCohort} AS failed
    FROM ${spans} ${runsWhere.sql} GROUP BY run_key`;
  const [totals] = await ch.query(
    `SELECT count() AS a_runs, countIf(failed = 1) AS a_failed FROM (${runs})`,
  );
  const runCount = Number(totals?.a_runs ?? 0);
  const failedRuns = Number(totals?.a_failed ?? 0);
  if (runCount === 0) return { runs: 0, failedRuns: 0, facets: [] };
  // Plain String values (LowCardinality and Nullable columns would not share an array type).
  const str = (col: string) => `toString(ifNull(${col}, ''))`;
  const failedOnly = (col: string) => `if(status_code = 2, ${str(col)}, '')`;
  const values = [
    'name',
    failedOnly('name'),
    str('tool_name'),
    failedOnly('tool_name'),
    str('error_type'),
    'substring(status_message, 1, 200)',
    str('operation'),
    str('model'),
    str('provider'),
    str('agent_name'),
    str('service_name'),
    jsonString(ch.features, 'resource_attributes', 'service.version'),
    jsonString(ch.features, 'resource_attributes', 'deployment.environment.name'),
  ];
  const spanWhere = new Where(scope)
    .add('start_ns >= ?', q.range.fromNs)
    .add('start_ns < ?', q.range.toNs + MAX_RUN_NS)
    .add(`trace_id GLOBAL IN (SELECT trace_id FROM ${spans} ${runsWhere.sql})`)
    .add(`value != ''`);
  const passed = runCount - failedRuns;
  const score = `abs(a_failed / ${Math.max(failedRuns, 1)} - a_passed / ${Math.max(passed, 1)})`;
  const rows = await ch.query(
    `SELECT field, value,
       countIf(failed = 1) AS a_failed,
       countIf(failed = 0) AS a_passed,
       min(first_ns) AS a_first_ns,
       max(last_ns) AS a_last_ns,
       if(a_failed = 0, NULL, argMaxIf(run_trace, last_ns, failed = 1)) AS a_failed_trace,
       if(a_passed = 0, NULL, argMaxIf(run_trace, last_ns, failed = 0)) AS a_passed_trace
     FROM (
       SELECT cityHash64(trace_id) AS run_key, field, value,
         min(start_ns) AS first_ns, max(start_ns) AS last_ns
       FROM ${spans}
       ARRAY JOIN [${WHY_FIELD_LIST.map((f) => lit(f)).join(', ')}] AS field, [${values.join(', ')}] AS value
       ${spanWhere.sql}
       GROUP BY run_key, field, value
     -- ALL, not ANY: since 20.x ANY INNER JOIN also keeps one left row per key (the right side
     -- has one row per run anyway). Aliases: current releases require them on joined subqueries.
     ) AS run_facets GLOBAL ALL INNER JOIN (${runs}) AS run_status USING run_key
     GROUP BY field, value
     ORDER BY field, ${score} DESC, a_failed DESC, value
     LIMIT ${Math.max(1, Math.trunc(q.perField))} BY field`,
  );
  return { runs: runCount, failedRuns, facets: rows.map(whyFacetFromColumns) };
}
