import type { WhyChange, WhyFinding, WhyResponse } from './why-contract.js';
import { eventLabel } from './why-events.js';

/** The one-line summary of a why analysis (why.ts), for the CLI, the dashboard and alerts. */

/** The smallest step up in failure rate reported as an onset (why.ts) or as a suspect here. */
export const MIN_STEP = 0.2;

const pct = (v: number | null) => (v === null ? '-' : `${Math.round(v * 100)}%`);
const hhmm = (iso: string) => iso.slice(11, 16);

/**
 * "tool get_account_data failed with StaleCacheError in 13 of 13 failed runs and 0 of 41 passing;
 * since support-platform 1.8.0 (failure rate 0% → 62% from 14:02, 2 min after it first appeared)";
 * after a change event: "...; failure rate 0% → 62% from 14:02, 2 min after deploy support-platform
 * 1.8.0".
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
    const [cohort, rest] =
      r.cohort === 'negative_feedback'
        ? ['negatively scored runs', 'others']
        : ['failed runs', 'passing'];
    parts.push(
      `${subject} in ${basis.failing.runs} of ${r.failedRuns} ${cohort} and ${basis.passing.runs} of ${r.passedRuns} ${rest}`,
    );
  }
  const change = suspectChange(r);
  if (change?.event) {
    const rates = r.onset
      ? `failure rate ${pct(r.onset.failureRateBefore)} → ${pct(r.onset.failureRateAfter)} from ${hhmm(r.onset.at)}`
      : null;
    const lead = r.onset?.after?.eventId === change.event.id ? r.onset.after.leadMs : null;
    parts.push(
      rates && lead !== null
        ? `${rates}, ${Math.round(lead / 60_000)} min after ${eventLabel(change)}`
        : `since ${eventLabel(change)}${rates ? ` (${rates})` : ''}`,
    );
  } else if (change) {
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
    return (
      r.changes.find(
        (c) => c.field === after.field && c.value === after.value && c.event?.id === after.eventId,
      ) ?? null
    );
  }
  // Only with runs on both sides: a marker before the range's first run proves nothing.
  return (
    r.changes.find(
      (c) =>
        c.failureRateBefore !== null &&
        c.failureRateAfter !== null &&
        c.failureRateAfter - c.failureRateBefore >= MIN_STEP,
    ) ?? null
  );
}
