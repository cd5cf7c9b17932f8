import {
  WHY_FIELDS,
  type WhyBucketRow,
  type WhyCounts,
  type WhyFacetRow,
  type WhyField,
} from './read-types.js';

/**
 * Shared by both engines' read-why.ts. The engines do not count facet values span by span: a
 * tenant's spans repeat a few combinations of the columns facets are read from, so each engine
 * hashes those columns into a span's "shape" and answers three small things, which this file turns
 * into the facet counts:
 *  - combos: each distinct set of shapes a run has, with its outcome and how many runs have it;
 *  - seen: per shape and outcome, its spans, first and last start and the run it was last seen in;
 *  - values: the facet values of each shape, read from one of its spans.
 * A run's values are the union of its shapes' values, so a combo counts each of its values once
 * per run. That is exact, and it replaced counting (run, field, value) rows: a 511k-span
 * tenant-day went from 6.6 M such rows to ~20 shapes and ~20 combos (bench/why).
 */
export const WHY_FIELD_LIST: readonly WhyField[] = WHY_FIELDS;

/** How long after its start a run's children are looked for (as listRuns does). */
export const MAX_RUN_NS = 3_600_000_000_000n;

/** Runs with the same outcome and the same set of shapes (ids as decimal strings). */
export interface ShapeCombo {
  failed: boolean;
  shapes: readonly string[];
  runs: number;
}

/** Where a shape was seen in the failing (or passing) runs. */
export interface ShapeSeen {
  shape: string;
  failed: boolean;
  /** How many spans of these runs have it (which service a version belongs to). */
  spans: number;
  firstNs: bigint;
  lastNs: bigint;
  /** The run it was seen in last. */
  traceId: string;
}

/** The value of each WHY_FIELDS entry (same order) per shape; null or '' is no value. */
export type ShapeValues = ReadonlyMap<string, ReadonlyArray<string | null>>;

const SERVICE = WHY_FIELDS.indexOf('service.name');
const VERSION = WHY_FIELDS.indexOf('service.version');

interface Tally {
  field: number;
  seen: boolean;
  value: string;
  failed: number;
  passed: number;
  firstSeenNs: bigint;
  lastSeenNs: bigint;
  failedLastNs: bigint;
  failedTraceId: string | null;
  passedLastNs: bigint;
  passedTraceId: string | null;
  /** service.version: spans per service.name that carried it. */
  services?: Map<string, number>;
}

/**
 * The facet counts of whyFacets from an engine's shapes: every value counted, then at most
 * `perField` per field, the values that tell failing from passing runs apart most first (ties: the
 * most failing runs, then the value in byte order, as the engines' ORDER BY did).
 */
export function whyFromShapes(
  combos: readonly ShapeCombo[],
  seen: readonly ShapeSeen[],
  values: ShapeValues,
  perField: number,
): WhyCounts {
  const tallies = new Map<string, Tally>();
  const tallyOf = (shape: string): Tally[] => {
    const vals = values.get(shape);
    if (!vals) throw new Error(`why: no values read for shape ${shape}`);
    const out: Tally[] = [];
    vals.forEach((value, field) => {
      if (value === null || value === '') return;
      const key = `${field}\u0000${value}`;
      let t = tallies.get(key);
      if (!t) {
        t = {
          field,
          seen: false,
          value,
          failed: 0,
          passed: 0,
          firstSeenNs: 0n,
          lastSeenNs: -1n,
          failedLastNs: -1n,
          failedTraceId: null,
          passedLastNs: -1n,
          passedTraceId: null,
        };
        tallies.set(key, t);
      }
      out.push(t);
    });
    return out;
  };
  let runs = 0;
  let failedRuns = 0;
  for (const c of combos) {
    runs += c.runs;
    if (c.failed) failedRuns += c.runs;
    // Two shapes of a run may share a value (its agent, its service): counted once.
    const counted = new Set<Tally>(c.shapes.flatMap(tallyOf));
    for (const t of counted) {
      if (c.failed) t.failed += c.runs;
      else t.passed += c.runs;
    }
  }
  for (const s of seen) {
    // A shape is one resource's: its service.name is the service of its service.version.
    const service = values.get(s.shape)?.[SERVICE] || null;
    for (const t of tallyOf(s.shape)) {
      if (t.field === VERSION && service !== null) {
        t.services ??= new Map();
        t.services.set(service, (t.services.get(service) ?? 0) + s.spans);
      }
      if (!t.seen || s.firstNs < t.firstSeenNs) t.firstSeenNs = s.firstNs;
      t.seen = true;
      if (s.lastNs > t.lastSeenNs) t.lastSeenNs = s.lastNs;
      if (s.failed && s.lastNs > t.failedLastNs) {
        t.failedLastNs = s.lastNs;
        t.failedTraceId = s.traceId;
      } else if (!s.failed && s.lastNs > t.passedLastNs) {
        t.passedLastNs = s.lastNs;
        t.passedTraceId = s.traceId;
      }
    }
  }
  const passedRuns = runs - failedRuns;
  const score = (t: Tally) =>
    Math.abs(t.failed / Math.max(failedRuns, 1) - t.passed / Math.max(passedRuns, 1));
  const bytes = new Map<Tally, Buffer>();
  const utf8 = (t: Tally) => bytes.get(t) ?? bytes.set(t, Buffer.from(t.value)).get(t)!;
  const ranked = [...tallies.values()]
    .filter((t) => t.failed + t.passed > 0)
    .sort(
      (a, b) =>
        byName(WHY_FIELD_LIST[a.field]!, WHY_FIELD_LIST[b.field]!) ||
        score(b) - score(a) ||
        b.failed - a.failed ||
        Buffer.compare(utf8(a), utf8(b)),
    );
  const limit = Math.max(1, Math.trunc(perField));
  const perFieldKept = new Map<number, number>();
  const facets: WhyFacetRow[] = [];
  for (const t of ranked) {
    const kept = perFieldKept.get(t.field) ?? 0;
    if (kept >= limit) continue;
    perFieldKept.set(t.field, kept + 1);
    facets.push({
      field: WHY_FIELD_LIST[t.field]!,
      value: t.value,
      failed: t.failed,
      passed: t.passed,
      firstSeenNs: t.firstSeenNs,
      lastSeenNs: t.lastSeenNs,
      failedTraceId: t.failedTraceId,
      passedTraceId: t.passedTraceId,
      ...(t.field === VERSION ? { serviceName: mostSpans(t.services) } : {}),
    });
  }
  return { runs, failedRuns, facets };
}

/** The service with the most spans; ties in byte order, as the facet values. */
function mostSpans(services: Map<string, number> | undefined): string | null {
  let best: [string, number] | null = null;
  for (const [name, spans] of services ?? []) {
    if (
      !best ||
      spans > best[1] ||
      (spans === best[1] && Buffer.compare(Buffer.from(name), Buffer.from(best[0])) < 0)
    )
      best = [name, spans];
  }
  return best?.[0] ?? null;
}

/** An engine's per-bucket run counts (a bucket may come in several parts), merged in time order. */
export function whySeries(parts: Iterable<WhyBucketRow>): WhyBucketRow[] {
  const byBucket = new Map<number, WhyBucketRow>();
  for (const p of parts) {
    const b = byBucket.get(p.bucketMs);
    if (b) {
      b.runs += p.runs;
      b.failedRuns += p.failedRuns;
    } else byBucket.set(p.bucketMs, { ...p });
  }
  return [...byBucket.values()].sort((a, b) => a.bucketMs - b.bucketMs);
}

/** Field names are ASCII: code-unit order is byte order. */
const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
