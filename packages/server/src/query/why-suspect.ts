import type { SuspectQuery } from '../alerts/suspect.js';
import { type WhySource, whyReport } from './why.js';

/** At least this much history goes into an alert's analysis: passing runs before the incident. */
const MIN_LOOKBACK_MS = 3_600_000;

/**
 * The alert engine's query function for "the alert names the suspect": the why analysis of the
 * tenant over the alert's window (at least the last hour, so the runs before the incident and the
 * deploy that started it are in view), reduced to what a notification carries.
 */
export function whySuspect(source: WhySource): SuspectQuery {
  return async (tenantId, fromMs, toMs, cohort) => {
    const from = Math.min(fromMs, toMs - MIN_LOOKBACK_MS);
    const r = await whyReport(
      source,
      tenantId,
      { fromNs: BigInt(from) * 1_000_000n, toNs: BigInt(toMs) * 1_000_000n },
      { perField: 5, limit: 5, cohort },
    );
    if (!r.summary) return null;
    const passing = [...r.facets]
      .filter((f) => f.passingTraceId !== null)
      .sort((a, b) => b.passing.runs - a.passing.runs)[0];
    const change = r.onset?.after ?? null;
    return {
      summary: r.summary,
      failedRuns: r.failedRuns,
      passedRuns: r.passedRuns,
      findings: r.findings.map((f) => ({
        field: f.field,
        value: f.value,
        failingRuns: f.failing.runs,
        passingRuns: f.passing.runs,
      })),
      change: change
        ? {
            field: change.field,
            value: change.value,
            firstSeen:
              r.changes.find((c) => c.field === change.field && c.value === change.value)
                ?.firstSeen ?? r.onset!.at,
          }
        : null,
      failingTraceId: r.findings[0]?.failingTraceId ?? null,
      passingTraceId: passing?.passingTraceId ?? null,
    };
  };
}
