import type { WhyBucketRow, WhyCounts, WhyQuery } from '../read-types.js';
import { NEGATIVE_BELOW } from '../score-types.js';
import {
  MAX_RUN_NS,
  type ShapeCombo,
  type ShapeSeen,
  whyFromShapes,
  whySeries,
} from '../why-columns.js';
import type { ChConnection } from './client.js';
import { jsonString } from './rows.js';
import { lit, litList, Where } from './sql.js';

/** Plain String values (LowCardinality and Nullable columns would not share an array type). */
const str = (col: string) => `toString(ifNull(${col}, ''))`;
const failedOnly = (col: string) => `if(status_code = 2, ${str(col)}, '')`;

/**
 * A span's shape (see why-columns.ts): a hash of every column a facet value is read from. NULL and
 * '' hash alike: both are no value. 64 bits, like the run key.
 */
const SHAPE = `cityHash64(${[
  'name',
  'toUInt8(status_code = 2)',
  str('tool_name'),
  str('error_type'),
  'status_message',
  str('operation'),
  str('model'),
  str('provider'),
  str('agent_name'),
  str('service_name'),
  'resource_attributes',
].join(', ')})`;

/**
 * One tenant's failing vs passing runs, counted per facet value (see WhyStore), in two queries that
 * work alike on 18.16 and current releases (no window functions, no joins):
 *  1. one pass over the tenant's spans grouped by run (the table is sorted by trace within a
 *     tenant): each run's sorted distinct shapes with their first and last start, then the runs
 *     grouped by outcome and shape set, merging the starts and span counts per shape with -ForEach
 *     (and, with a step, the runs per bucket of their first run span's start with sumMap);
 *  2. the values of every shape, from a few runs that hold them all (primary-key look-ups).
 * Counting distinct runs per value is the same with or without a not-yet-merged duplicate span, so
 * no FINAL. On a cluster a tenant's spans are on one shard, so a run's spans group together.
 */
export async function whyFacets(
  ch: ChConnection,
  tenantId: string,
  q: WhyQuery,
): Promise<WhyCounts> {
  const spans = `${ch.database}.spans`;
  const scope = { tenantId };
  // A run span in the range makes its trace a run; the rest of its spans start within MAX_RUN_NS.
  const spanWhere = new Where(scope)
    .add('start_ns >= ?', q.range.fromNs)
    .add('start_ns < ?', q.range.toNs + MAX_RUN_NS);
  const runSpan = `is_run = 1 AND start_ns < ${lit(q.range.toNs)}`;
  // The negative-feedback cohort: runs with a negative score, whenever the score was given.
  const scored = new Where(scope).add(`value < ${NEGATIVE_BELOW}`);
  const inCohort =
    q.cohort === 'negative_feedback'
      ? `trace_id GLOBAL IN (SELECT trace_id FROM ${ch.database}.scores ${scored.sql})`
      : 'status_code = 2';
  // Sorting (shape, start) pairs by shape puts each shape's first start at its first occurrence
  // and its last start at its last (18.16 lambdas cannot capture a column, so no arrayFilter).
  const firstOf = (arr: string) => `arrayFilter((x, u) -> u = 1, ${arr}, arrayEnumerateUniq(hs))`;
  // ... and the position of its last occurrence, counted from 1 per shape, is its span count.
  const lastOf = (arr: string) =>
    `arrayReverse(arrayFilter((x, u) -> u = 1, arrayReverse(${arr}), arrayEnumerateUniq(arrayReverse(hs))))`;
  const step = q.stepNs === undefined ? null : positive(q.stepNs);
  // 18.16 has no Map type: sumMap's tuple of (bucket numbers, runs), read element by element.
  const bucketRuns = `sumMap([intDiv(run_start, ${step})], [toUInt64(1)])`;
  const seriesCols = step
    ? `, tupleElement(${bucketRuns}, 1) AS a_buckets, tupleElement(${bucketRuns}, 2) AS a_bucket_runs`
    : '';
  const combos = await ch.query<Record<string, unknown>>(
    `SELECT failed, shapes, count() AS runs, minForEach(firsts) AS a_firsts,
       maxForEach(lasts) AS a_lasts, argMaxForEach(traces, lasts) AS a_traces,
       sumForEach(counts) AS a_spans${seriesCols}
     FROM (
       SELECT failed, arraySort(sh) AS hs, arraySort((s, h) -> (h, s), st, sh) AS ss,
         ${firstOf('hs')} AS shapes, ${firstOf('ss')} AS firsts, ${lastOf('ss')} AS lasts,
         ${lastOf('arrayEnumerateUniq(hs)')} AS counts,
         arrayResize([trace], length(shapes), trace) AS traces, run_start
       FROM (
         SELECT cityHash64(trace_id) AS run_key, max(${runSpan}) AS is_run_trace,
           minIf(start_ns, ${runSpan}) AS run_start,
           max(${runSpan} AND ${inCohort}) AS failed, any(trace_id) AS trace,
           groupArray(${SHAPE}) AS sh, groupArray(start_ns) AS st
         FROM ${spans} ${spanWhere.sql}
         GROUP BY run_key HAVING is_run_trace = 1
       )
     )
     GROUP BY failed, shapes`,
  );
  const combo: ShapeCombo[] = [];
  const seen = new Map<string, ShapeSeen>();
  const series: WhyBucketRow[] = [];
  // Every run of a combo has all its shapes: the values are read from one run per combo that
  // brings a shape not yet covered, largest combos first.
  const covered = new Set<string>();
  const readFrom = new Set<string>();
  for (const r of [...combos].sort((a, b) => size(b.shapes) - size(a.shapes))) {
    const failed = Number(r.failed) === 1;
    const shapes = (r.shapes as unknown[]).map(String);
    const [firsts, lasts, traces, spans] = [r.a_firsts, r.a_lasts, r.a_traces, r.a_spans].map((a) =>
      (a as unknown[]).map(String),
    );
    combo.push({ failed, shapes, runs: Number(r.runs) });
    if (step) {
      const runs = (r.a_bucket_runs as unknown[]).map(Number);
      (r.a_buckets as unknown[]).forEach((b, i) => {
        const bucketMs = Number((BigInt(String(b)) * step) / 1_000_000n);
        series.push({ bucketMs, runs: runs[i]!, failedRuns: failed ? runs[i]! : 0 });
      });
    }
    if (!shapes.every((s) => covered.has(s))) readFrom.add(traces![0]!);
    shapes.forEach((shape, i) => {
      covered.add(shape);
      const firstNs = BigInt(firsts![i]!);
      const lastNs = BigInt(lasts![i]!);
      const n = Number(spans![i]);
      const s = seen.get(`${shape}/${failed}`);
      if (!s) {
        const traceId = traces![i]!;
        seen.set(`${shape}/${failed}`, { shape, failed, spans: n, firstNs, lastNs, traceId });
      } else {
        s.spans += n;
        if (firstNs < s.firstNs) s.firstNs = firstNs;
        if (lastNs > s.lastNs) Object.assign(s, { lastNs, traceId: traces![i]! });
      }
    });
  }
  const withSeries = (c: WhyCounts): WhyCounts => (step ? { ...c, series: whySeries(series) } : c);
  if (combo.length === 0) return withSeries({ runs: 0, failedRuns: 0, facets: [] });
  const where = new Where(scope)
    .add(`trace_id IN (${litList([...readFrom])})`)
    .add('start_ns >= ?', q.range.fromNs)
    .add('start_ns < ?', q.range.toNs + MAX_RUN_NS);
  const rows = await ch.query<{ shape: string; vals: string[] }>(
    `SELECT ${SHAPE} AS shape, [${whyValueSql(ch).join(', ')}] AS vals
     FROM ${spans} ${where.sql} LIMIT 1 BY shape`,
  );
  const byShape = new Map(rows.map((r) => [String(r.shape), r.vals.map(String)]));
  return withSeries(whyFromShapes(combo, [...seen.values()], byShape, q.perField));
}

const size = (a: unknown) => (a as unknown[]).length;

function positive(stepNs: bigint): bigint {
  if (stepNs <= 0n) throw new RangeError(`why: step must be positive, got ${stepNs}`);
  return stepNs;
}

/** The facet value of each WHY_FIELDS entry, in the same order, over one span ('' for none). */
export function whyValueSql(ch: ChConnection): string[] {
  return [
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
}
