import { big, num } from '../columns.js';
import type { WhyBucketRow, WhyCounts, WhyQuery } from '../read-types.js';
import { NEGATIVE_BELOW } from '../score-types.js';
import {
  MAX_RUN_NS,
  type ShapeCombo,
  type ShapeSeen,
  whyFromShapes,
  whySeries,
} from '../why-columns.js';
import type { DuckDb } from './database.js';
import { Where } from './rows.js';

/**
 * The facet value of each WHY_FIELDS entry, in the same order, as DuckDB SQL over one span. A
 * failed.* value is only set on spans with status ERROR; empty text counts as no value.
 */
export const WHY_VALUE_SQL = [
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

/**
 * A span's shape (see why-columns.ts): a hash of every column WHY_VALUE_SQL reads. 64 bits, like the run
 * key: two distinct shapes of one tenant's range sharing it is as unlikely as two runs sharing one.
 */
const SHAPE = `hash(${[
  'name',
  'status_code = 2',
  'tool_name',
  'error_type',
  'status_message',
  'operation',
  'model',
  'provider',
  'agent_name',
  'service_name',
  'resource_attributes',
]
  .map((c) => `spans.${c}`)
  .join(', ')})`;

/** Bits of a run's shape mask: more distinct shapes in a tenant's range take the list path. */
const BITS = 64;

/**
 * One tenant's failing vs passing runs, counted per facet value (see WhyStore): one statement
 * answers the combos and the shapes seen (why-columns.ts), each shape's values read from one of its
 * rows by row id, so the strings of a busy tenant-day are hashed once and never grouped.
 */
export async function whyFacets(db: DuckDb, tenantId: string, q: WhyQuery): Promise<WhyCounts> {
  const runsWhere = new Where()
    .scope(tenantId)
    .add('is_run')
    .add('start_ns >= ?', q.range.fromNs)
    .add('start_ns < ?', q.range.toNs);
  // Children start within their run: the time bound lets zone maps skip the rest of the table.
  const spanWhere = new Where()
    .scope(tenantId, 'spans.')
    .add('spans.start_ns >= ?', q.range.fromNs)
    .add('spans.start_ns < ?', q.range.toNs + MAX_RUN_NS);
  const rows = await db.query(
    // A run is keyed by hash(trace_id), 64 bits of the whole id: grouped and joined as one integer.
    `WITH runs AS MATERIALIZED (
       SELECT hash(trace_id) AS run_key, any_value(trace_key) AS trace_key,
         any_value(trace_id) AS trace_id, ${failedRun(q)} AS failed, min(start_ns) AS run_start
       FROM spans ${runsWhere.sql} GROUP BY run_key
     ),
     -- Each span of the runs: its run, the run's outcome, its start, its shape and its row. The
     -- integer trace key joins cheaply (a superset: 64-bit ids padded with zeros share it); the
     -- run key keeps only the runs' own spans.
     s AS MATERIALIZED (
       SELECT runs.run_key, runs.failed, spans.start_ns, ${SHAPE} AS shape, spans.rowid AS rid
       FROM spans JOIN runs USING (trace_key)
       ${spanWhere.sql} AND hash(spans.trace_id) = runs.run_key
     ),
     seen AS MATERIALIZED (
       SELECT shape, failed, count(*) AS spans, min(start_ns) AS first_ns,
         max(start_ns) AS last_ns, arg_max(run_key, start_ns) AS last_run, any_value(rid) AS rid
       FROM s GROUP BY shape, failed
     ),
     -- The BITS most frequent shapes get a bit: a run's shape set is then one OR of integers.
     bits AS MATERIALIZED (
       SELECT shape, rank >= ${BITS} AS rare,
         CASE WHEN rank < ${BITS} THEN 1::UBIGINT << rank::INTEGER ELSE 0::UBIGINT END AS bit
       FROM (SELECT shape, row_number() OVER (ORDER BY sum(spans) DESC, shape) - 1 AS rank
             FROM seen GROUP BY shape)
     ),
     per_run AS MATERIALIZED (
       SELECT run_key, any_value(failed) AS failed, bit_or(bit) AS mask, bool_or(rare) AS slow
       FROM s JOIN bits USING (shape) GROUP BY run_key
     ),
     fast AS (SELECT failed, mask, count(*) AS runs FROM per_run WHERE NOT slow GROUP BY ALL),
     vals AS (SELECT rowid AS rid, [${WHY_VALUE_SQL.join(', ')}] AS vals
       FROM spans WHERE rowid IN (SELECT rid FROM seen))
     SELECT fast.failed, fast.runs, list(shape ORDER BY shape) AS shapes
     FROM fast JOIN bits ON NOT bits.rare AND fast.mask & bits.bit <> 0
     GROUP BY fast.failed, fast.mask, fast.runs
     UNION ALL BY NAME
     -- Runs with a rare shape (a tenant-day with more than BITS shapes): their sets as lists.
     SELECT failed, shapes, count(*) AS runs FROM (
       SELECT any_value(failed) AS failed, list(DISTINCT shape ORDER BY shape) AS shapes
       FROM s SEMI JOIN (SELECT run_key FROM per_run WHERE slow) USING (run_key) GROUP BY run_key
     ) GROUP BY ALL
     UNION ALL BY NAME
     SELECT seen.shape, seen.failed, seen.spans, first_ns, last_ns, runs.trace_id, vals.vals
     FROM seen JOIN runs ON runs.run_key = seen.last_run JOIN vals USING (rid)
     ${seriesSql(q.stepNs)}`,
    [...runsWhere.params, ...spanWhere.params],
  );
  const combos: ShapeCombo[] = [];
  const seen: ShapeSeen[] = [];
  const values = new Map<string, Array<string | null>>();
  const series: WhyBucketRow[] = [];
  for (const r of rows) {
    if (r.bucket_ms !== null && r.bucket_ms !== undefined) {
      series.push({
        bucketMs: num(r.bucket_ms),
        runs: num(r.runs),
        failedRuns: num(r.failed_runs),
      });
      continue;
    }
    if (Array.isArray(r.shapes)) {
      combos.push({ failed: r.failed === true, shapes: r.shapes.map(String), runs: num(r.runs) });
      continue;
    }
    const shape = String(r.shape);
    seen.push({
      shape,
      failed: r.failed === true,
      spans: num(r.spans),
      firstNs: big(r.first_ns),
      lastNs: big(r.last_ns),
      traceId: String(r.trace_id),
    });
    values.set(
      shape,
      (r.vals as Array<string | null>).map((v) => (v === null ? null : String(v))),
    );
  }
  const counts = whyFromShapes(combos, seen, values, q.perField);
  return q.stepNs === undefined ? counts : { ...counts, series: whySeries(series) };
}

/**
 * The runs per bucket of `stepNs` by the start of their first run span, for the failure-rate
 * series (query/why.ts): read off the runs already grouped, so nearly free.
 */
function seriesSql(stepNs: bigint | undefined): string {
  if (stepNs === undefined) return '';
  const step = BigInt(stepNs);
  if (step <= 0n) throw new RangeError(`why: step must be positive, got ${step}`);
  return `UNION ALL BY NAME
     SELECT (run_start // ${step}) * ${step} // 1000000 AS bucket_ms, count(*) AS runs,
       count(*) FILTER (WHERE failed) AS failed_runs
     FROM runs GROUP BY bucket_ms`;
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
