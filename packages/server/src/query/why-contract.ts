import type { ChangeEventKind } from '../events/contract.js';
import type { TimeRange } from './contract.js';

/**
 * GET /api/v1/tenants/:tenant/why — what a tenant's failing runs share and what changed
 * (re-exported by contract.ts; additive-only like the rest of the contract).
 */

/** A facet of the spans in a run: a typed column, a resource attribute, or a failed span's name. */
export type WhyFieldName =
  | 'span.name'
  | 'failed.span'
  | 'tool.name'
  | 'failed.tool'
  | 'error.type'
  | 'status.message'
  | 'operation'
  | 'model'
  | 'provider'
  | 'agent.name'
  | 'service.name'
  | 'service.version'
  | 'deployment.environment.name';

export interface WhySide {
  /** Runs of this side with at least one span carrying the value. */
  runs: number;
  /** runs / all runs of this side, 0..1 (0 when the side is empty). */
  share: number;
}

export interface WhyFinding {
  field: WhyFieldName;
  value: string;
  failing: WhySide;
  passing: WhySide;
  /** failing.share − passing.share: how much more often failing runs carry it (−1..1). */
  score: number;
  firstSeen: string;
  lastSeen: string;
  /** The latest failing / passing run carrying the value, for links (null when none). */
  failingTraceId: string | null;
  passingTraceId: string | null;
}

/**
 * A value of service.version / deployment.environment.name that first appeared inside the range,
 * or a change event (POST /api/v1/events) inside it: `field` 'event', `value` its title.
 */
export interface WhyChange {
  field: 'service.version' | 'deployment.environment.name' | 'event';
  value: string;
  /**
   * The service that ran it: for a service.version, the service.name of the resource that carried
   * it (the most spans); otherwise the marker's own, or the most common one of the tenant's runs.
   */
  serviceName: string | null;
  firstSeen: string;
  /** Failure rate of the tenant's runs before and from its first appearance (null: no runs). */
  failureRateBefore: number | null;
  failureRateAfter: number | null;
  /** For `field` 'event': the marker (tenantId null: a platform-wide event). */
  event?: { id: string; kind: ChangeEventKind; tenantId: string | null };
}

/** When the failure rate stepped up the most inside the range. */
export interface WhyOnset {
  at: string;
  failureRateBefore: number;
  failureRateAfter: number;
  /**
   * The change closest before the onset (within the range), and how long before it, in ms;
   * `eventId` when the change is a change event.
   */
  after: { field: WhyChange['field']; value: string; leadMs: number; eventId?: string } | null;
}

export interface WhyResponse {
  tenantId: string;
  range: TimeRange;
  runs: number;
  failedRuns: number;
  passedRuns: number;
  /** Over-represented in failing runs first (score > 0), at most `limit`. */
  findings: WhyFinding[];
  /** Every value counted, by field, at most `perField` each, best separating first. */
  facets: WhyFinding[];
  changes: WhyChange[];
  onset: WhyOnset | null;
  /** One line naming the suspect, for alerts and the CLI; null when no run failed. */
  summary: string | null;
  /**
   * Which runs were compared with the rest (`?cohort=`): `failed` (the default), or
   * `negative_feedback`, the runs scored below 0.5; `failedRuns`, `failing` and `findings` then
   * count those, and changes and onset (about the failure rate) are left out.
   */
  cohort: 'failed' | 'negative_feedback';
}
