import type {
  NsRange,
  WhyBucketRow,
  WhyCohort,
  WhyCounts,
  WhyFacetRow,
  WhyQuery,
} from '../storage/read-types.js';
import type { ChangeEventRecord, ChangeEventStore } from '../storage/types.js';
import { nsToIso } from './views.js';
import type { WhyChange, WhyFinding, WhyOnset, WhyResponse } from './why-contract.js';
import { type ChangeCandidate, eventCandidate, MAX_WHY_EVENTS } from './why-events.js';
import { MIN_STEP, whySummary } from './why-summary.js';

/**
 * "Why is this tenant failing?": the facet counts of whyFacets ranked BubbleUp-style, the values of
 * service.version / deployment.environment.name that appeared inside the range and the change events
 * in it (why-events.ts), and when the failure rate stepped up (the runs per bucket whyFacets
 * counted in the same pass). Pure functions over what the storage answered, so the query route, the
 * CLI and the alert notifier all say the same thing.
 */

/** What `whyReport` needs of storage: ReadStore methods (a query function, not a class). */
export interface WhySource {
  whyFacets(tenantId: string, q: WhyQuery): Promise<WhyCounts>;
  /** Deploy / config-change markers; a source without them analyses the telemetry alone. */
  listChangeEvents?: ChangeEventStore['listChangeEvents'];
}

export interface WhyOptions {
  perField?: number;
  limit?: number;
  /** Compare the runs that failed (default) or the negatively scored ones with the rest. */
  cohort?: WhyCohort;
}

/** Runs on each side of a step before it counts as the failure onset. */
const MIN_RUNS_PER_SIDE = 3;
const BUCKETS = 120;

/** Ties in score: the most specific explanation first. */
const FIELD_ORDER: Record<WhyFinding['field'], number> = {
  'error.type': 0,
  'failed.tool': 1,
  'service.version': 2,
  'deployment.environment.name': 3,
  'tool.name': 4,
  model: 5,
  provider: 6,
  'agent.name': 7,
  'failed.span': 8,
  'status.message': 9,
  'span.name': 10,
  operation: 11,
  'service.name': 12,
};

export async function whyReport(
  source: WhySource,
  tenantId: string,
  range: NsRange,
  options: WhyOptions = {},
): Promise<WhyResponse> {
  const stepNs = bucketStepNs(range);
  const cohort = options.cohort ?? 'failed';
  // The failure-rate series and the change events only feed the changes and the onset, which only
  // the failed cohort reports: the others do not ask for them.
  const failed = cohort === 'failed';
  const perField = options.perField ?? 10;
  const [counts, events] = await Promise.all([
    source.whyFacets(tenantId, { range, perField, cohort, ...(failed ? { stepNs } : {}) }),
    (failed && source.listChangeEvents?.(tenantId, { ...range, limit: MAX_WHY_EVENTS })) || [],
  ]);
  const report = analyzeWhy(tenantId, range, counts, stepNs, options.limit ?? 10, events);
  if (cohort === 'failed') return report;
  // Changes and the onset are read from the failure rate: they say nothing of negative scores.
  const scored: WhyResponse = { ...report, changes: [], onset: null, cohort };
  return { ...scored, summary: whySummary(scored) };
}

/** About BUCKETS buckets over the range, in whole multiples of 10 s. */
export function bucketStepNs(range: NsRange): bigint {
  const tenS = 10_000_000_000n;
  const raw = (range.toNs - range.fromNs) / BigInt(BUCKETS);
  return raw <= tenS ? tenS : ((raw + tenS - 1n) / tenS) * tenS;
}

export function analyzeWhy(
  tenantId: string,
  range: NsRange,
  counts: WhyCounts,
  stepNs: bigint,
  limit: number,
  events: ChangeEventRecord[] = [],
): WhyResponse {
  const passedRuns = counts.runs - counts.failedRuns;
  const facets = counts.facets.map((f) => finding(f, counts.failedRuns, passedRuns));
  const findings = facets
    .filter((f) => f.score > 0)
    .sort((a, b) => b.score - a.score || FIELD_ORDER[a.field] - FIELD_ORDER[b.field])
    .slice(0, limit);
  const series = [...(counts.series ?? [])].sort((a, b) => a.bucketMs - b.bucketMs);
  // The tenant's most common service labels an environment, or a marker that names none; a
  // version is labelled with the service whose resource carried it.
  const service = topValue(counts.facets, 'service.name');
  const candidates: ChangeCandidate[] = [
    ...counts.facets
      .filter(
        (f): f is WhyFacetRow & { field: 'service.version' | 'deployment.environment.name' } =>
          (f.field === 'service.version' || f.field === 'deployment.environment.name') &&
          f.firstSeenNs >= range.fromNs + stepNs,
      )
      .map((f) => ({
        ...f,
        serviceName: f.field === 'service.version' ? (f.serviceName ?? null) : service,
      })),
    ...events.map((e) => eventCandidate(e, service)),
  ];
  const changes = candidates
    .sort((a, b) => (a.firstSeenNs < b.firstSeenNs ? -1 : a.firstSeenNs > b.firstSeenNs ? 1 : 0))
    .map((f): WhyChange => {
      const atMs = Number(f.firstSeenNs / 1_000_000n);
      const bucketMs = Math.floor(atMs / stepMs(stepNs)) * stepMs(stepNs);
      return {
        field: f.field,
        value: f.value,
        serviceName: f.serviceName,
        firstSeen: nsToIso(f.firstSeenNs),
        failureRateBefore: rate(series.filter((b) => b.bucketMs < bucketMs)),
        failureRateAfter: rate(series.filter((b) => b.bucketMs >= bucketMs)),
        ...(f.event ? { event: f.event } : {}),
      };
    })
    // A value is new only if the tenant already had runs without it; a marker always counts.
    .filter((c) => c.field === 'event' || c.failureRateBefore !== null);
  const onset = findOnset(series, changes, stepNs);
  const response: WhyResponse = {
    tenantId,
    range: { from: nsToIso(range.fromNs), to: nsToIso(range.toNs) },
    runs: counts.runs,
    failedRuns: counts.failedRuns,
    passedRuns,
    findings,
    facets,
    changes,
    onset,
    summary: null,
    cohort: 'failed',
  };
  response.summary = whySummary(response);
  return response;
}

const stepMs = (stepNs: bigint) => Number(stepNs / 1_000_000n);

function finding(f: WhyFacetRow, failedRuns: number, passedRuns: number): WhyFinding {
  const share = (n: number, of: number) => (of === 0 ? 0 : n / of);
  const failing = { runs: f.failed, share: share(f.failed, failedRuns) };
  const passing = { runs: f.passed, share: share(f.passed, passedRuns) };
  return {
    field: f.field,
    value: f.value,
    failing,
    passing,
    score: failing.share - passing.share,
    firstSeen: nsToIso(f.firstSeenNs),
    lastSeen: nsToIso(f.lastSeenNs),
    failingTraceId: f.failedTraceId,
    passingTraceId: f.passedTraceId,
  };
}

function topValue(facets: WhyFacetRow[], field: WhyFacetRow['field']): string | null {
  let best: WhyFacetRow | null = null;
  for (const f of facets) {
    if (f.field === field && (!best || f.failed + f.passed > best.failed + best.passed)) best = f;
  }
  return best?.value ?? null;
}

function rate(buckets: WhyBucketRow[]): number | null {
  let runs = 0;
  let failed = 0;
  for (const b of buckets) {
    runs += b.runs;
    failed += b.failedRuns;
  }
  return runs === 0 ? null : failed / runs;
}

/** The split of the bucket series with the largest step up in failure rate, at its first failure. */
export function findOnset(
  series: WhyBucketRow[],
  changes: WhyChange[],
  stepNs: bigint,
): WhyOnset | null {
  const totalRuns = series.reduce((n, b) => n + b.runs, 0);
  const totalFailed = series.reduce((n, b) => n + b.failedRuns, 0);
  let best: { k: number; before: number; after: number } | null = null;
  let runs = 0;
  let failed = 0;
  for (let k = 1; k < series.length; k++) {
    runs += series[k - 1]!.runs;
    failed += series[k - 1]!.failedRuns;
    const afterRuns = totalRuns - runs;
    if (runs < MIN_RUNS_PER_SIDE || afterRuns < MIN_RUNS_PER_SIDE) continue;
    const before = failed / runs;
    const after = (totalFailed - failed) / afterRuns;
    if (after - before >= MIN_STEP && (!best || after - before > best.after - best.before)) {
      best = { k, before, after };
    }
  }
  if (!best) return null;
  let first = best.k;
  while (first < series.length - 1 && series[first]!.failedRuns === 0) first++;
  const atMs = series[first]!.bucketMs;
  let after: WhyOnset['after'] = null;
  for (const c of changes) {
    const leadMs = atMs - Date.parse(c.firstSeen);
    // Within the onset's bucket or before it: the latest such change is the suspect.
    if (leadMs > -stepMs(stepNs) && (!after || leadMs < after.leadMs)) {
      after = { field: c.field, value: c.value, leadMs: Math.max(0, leadMs) };
      if (c.event) after.eventId = c.event.id;
    }
  }
  return {
    at: new Date(atMs).toISOString(),
    failureRateBefore: best.before,
    failureRateAfter: best.after,
    after,
  };
}
