import type {
  BucketRow,
  NsRange,
  PriceTable,
  WhyCounts,
  WhyFacetRow,
} from '../storage/read-types.js';
import { nsToIso } from './views.js';
import type { WhyChange, WhyFinding, WhyOnset, WhyResponse } from './why-contract.js';

/**
 * "Why is this tenant failing?": the facet counts of whyFacets ranked BubbleUp-style, the values of
 * service.version / deployment.environment.name that appeared inside the range, and when the
 * failure rate stepped up. Pure functions over what the storage answered, so the query route, the
 * CLI and the alert notifier all say the same thing.
 */

/** What `whyReport` needs of storage: two ReadStore methods (a query function, not a class). */
export interface WhySource {
  whyFacets(tenantId: string, q: { range: NsRange; perField: number }): Promise<WhyCounts>;
  tenantBuckets(
    tenantId: string,
    range: NsRange,
    stepNs: bigint,
    prices: PriceTable,
  ): Promise<BucketRow[]>;
}

export interface WhyOptions {
  perField?: number;
  limit?: number;
}

/** Runs on each side of a step before it counts as the failure onset. */
const MIN_RUNS_PER_SIDE = 3;
/** The smallest step up in failure rate reported as an onset. */
const MIN_STEP = 0.2;
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
  const [counts, buckets] = await Promise.all([
    source.whyFacets(tenantId, { range, perField: options.perField ?? 10 }),
    source.tenantBuckets(tenantId, range, stepNs, {}),
  ]);
  return analyzeWhy(tenantId, range, counts, buckets, stepNs, options.limit ?? 10);
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
  buckets: BucketRow[],
  stepNs: bigint,
  limit: number,
): WhyResponse {
  const passedRuns = counts.runs - counts.failedRuns;
  const facets = counts.facets.map((f) => finding(f, counts.failedRuns, passedRuns));
  const findings = facets
    .filter((f) => f.score > 0)
    .sort((a, b) => b.score - a.score || FIELD_ORDER[a.field] - FIELD_ORDER[b.field])
    .slice(0, limit);
  const series = [...buckets].sort((a, b) => a.bucket - b.bucket);
  const service = topValue(counts.facets, 'service.name');
  const changes = counts.facets
    .filter(
      (f): f is WhyFacetRow & { field: WhyChange['field'] } =>
        (f.field === 'service.version' || f.field === 'deployment.environment.name') &&
        f.firstSeenNs >= range.fromNs + stepNs,
    )
    .sort((a, b) => (a.firstSeenNs < b.firstSeenNs ? -1 : 1))
    .map((f): WhyChange => {
      const atMs = Number(f.firstSeenNs / 1_000_000n);
      const bucketMs = Math.floor(atMs / stepMs(stepNs)) * stepMs(stepNs);
      return {
        field: f.field,
        value: f.value,
        serviceName: service,
        firstSeen: nsToIso(f.firstSeenNs),
        failureRateBefore: rate(series.filter((b) => b.bucket < bucketMs)),
        failureRateAfter: rate(series.filter((b) => b.bucket >= bucketMs)),
      };
    })
    // New only if the tenant already had runs without it in the range.
    .filter((c) => c.failureRateBefore !== null);
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

function rate(buckets: BucketRow[]): number | null {
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
  series: BucketRow[],
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
  const atMs = series[first]!.bucket;
  let after: WhyOnset['after'] = null;
  for (const c of changes) {
    const leadMs = atMs - Date.parse(c.firstSeen);
    // Within the onset's bucket or before it: the latest such change is the suspect.
    if (leadMs > -stepMs(stepNs) && (!after || leadMs < after.leadMs)) {
      after = { field: c.field, value: c.value, leadMs: Math.max(0, leadMs) };
    }
  }
  return {
    at: new Date(atMs).toISOString(),
    failureRateBefore: best.before,
    failureRateAfter: best.after,
    after,
  };
}

const pct = (v: number | null) => (v === null ? '-' : `${Math.round(v * 100)}%`);
const hhmm = (iso: string) => iso.slice(11, 16);

/**
 * "tool get_account_data failed with StaleCacheError in 13 of 13 failed runs and 0 of 41 passing;
 * since support-platform 1.8.0 (failure rate 0% → 62% from 14:02, 2 min after it first appeared)".
 */
export function whySummary(r: WhyResponse): string | null {
  if (r.failedRuns === 0) return null;
  const top = (field: WhyFinding['field']) => r.findings.find((f) => f.field === field);
  const tool = top('failed.tool');
  const span = top('failed.span');
  const error = top('error.type');
  const what = tool ? `tool ${tool.value}` : span ? span.value : null;
  const basis = error ?? tool ?? span ?? r.findings[0];
  const parts: string[] = [];
  if (basis) {
    const subject = what
      ? `${what} failed${error ? ` with ${error.value}` : ''}`
      : `${basis.field} ${basis.value}`;
    parts.push(
      `${subject} in ${basis.failing.runs} of ${r.failedRuns} failed runs and ${basis.passing.runs} of ${r.passedRuns} passing`,
    );
  }
  const change = suspectChange(r);
  if (change) {
    const name =
      change.field === 'service.version' && change.serviceName ? `${change.serviceName} ` : '';
    let line = `since ${name}${change.value}`;
    if (r.onset) {
      const lead = r.onset.after?.value === change.value ? r.onset.after.leadMs : null;
      line += ` (failure rate ${pct(r.onset.failureRateBefore)} → ${pct(r.onset.failureRateAfter)} from ${hhmm(r.onset.at)}${lead === null ? '' : `, ${Math.round(lead / 60_000)} min after it first appeared`})`;
    }
    parts.push(line);
  } else if (r.onset) {
    parts.push(
      `failure rate ${pct(r.onset.failureRateBefore)} → ${pct(r.onset.failureRateAfter)} from ${hhmm(r.onset.at)}`,
    );
  }
  return parts.length ? parts.join('; ') : null;
}

/** The change the onset follows, else a new version whose runs fail more than the ones before. */
function suspectChange(r: WhyResponse): WhyChange | null {
  if (r.onset?.after) {
    const after = r.onset.after;
    return r.changes.find((c) => c.field === after.field && c.value === after.value) ?? null;
  }
  return (
    r.changes.find(
      (c) =>
        c.failureRateAfter !== null && c.failureRateAfter - (c.failureRateBefore ?? 0) >= MIN_STEP,
    ) ?? null
  );
}
