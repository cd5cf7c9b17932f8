import type { AlertSuspect } from '../query/contract.js';
import type { AlertNotification } from './payload.js';

/**
 * "The alert names the suspect": the top findings of GET /tenants/:tenant/why for the alert's
 * tenant and window, attached to a notification when an alert starts firing. Computed once per
 * transition (never for a repeat or a resolution), for at most `max` transitions per evaluation,
 * with a deadline: a slow analysis sends the page without a suspect rather than late.
 */

export type { AlertSuspect, AlertSuspectFinding } from '../query/contract.js';

/** A query function (the server passes one over storage): the suspect of a tenant's window. */
export type SuspectQuery = (
  tenantId: string,
  fromMs: number,
  toMs: number,
  /** The runs the alert is about: failed runs, or runs users scored negatively. */
  cohort: SuspectCohort,
) => Promise<Omit<AlertSuspect, 'failingTraceUrl' | 'passingTraceUrl'> | null>;

export type SuspectCohort = 'failed' | 'negative_feedback';

/** A negative-feedback alert asks what the runs users marked wrong share, not the failed ones. */
const cohortOf = (n: AlertNotification): SuspectCohort =>
  n.ruleKind === 'negative_feedback' ? 'negative_feedback' : 'failed';

export interface SuspectOptions {
  max?: number;
  timeoutMs?: number;
}

const traceUrl = (base: string, tenantId: string, traceId: string | null) =>
  traceId
    ? `${base.replace(/\/$/, '')}/traces/${traceId}?tenant=${encodeURIComponent(tenantId)}`
    : null;

/** Sets `suspect` on the firing transitions among `notifications` (null when none was found). */
export async function attachSuspects(
  notifications: AlertNotification[],
  query: SuspectQuery,
  dashboardUrl: string,
  options: SuspectOptions = {},
): Promise<void> {
  const firing = notifications.filter((n) => n.state === 'firing' && !n.repeat);
  const picked = firing.slice(0, options.max ?? 20);
  const timeoutMs = options.timeoutMs ?? 3000;
  await Promise.all(
    picked.map(async (n) => {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<null>((resolve) => {
        timer = setTimeout(() => resolve(null), timeoutMs);
      });
      try {
        const s = await Promise.race([
          query(n.tenantId, n.at - n.windowSeconds * 1000, n.at, cohortOf(n)),
          deadline,
        ]);
        n.suspect = s && {
          ...s,
          failingTraceUrl: traceUrl(dashboardUrl, n.tenantId, s.failingTraceId),
          passingTraceUrl: traceUrl(dashboardUrl, n.tenantId, s.passingTraceId),
        };
      } catch {
        n.suspect = null;
      } finally {
        clearTimeout(timer);
      }
    }),
  );
}
