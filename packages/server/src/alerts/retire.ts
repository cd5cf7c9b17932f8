import type { AlertStateRecord, AlertTransitionRecord } from '../storage/types.js';
import type { AlertNotification } from './payload.js';
import type { AlertRule } from './rules.js';
import { type Tracked, toNotification } from './views.js';

/**
 * Ends the alerts of rules that were deleted (API, or gone from tenantry.yaml) or disabled since
 * the last evaluation. Forgetting them silently would leave the on-call channel showing them
 * firing forever, so, as Alertmanager and Grafana do, each firing alert resolves with one
 * notification of the usual shape whose summary says why; a pending one ends without a
 * notification, since pending never paged. Both go to history, like a condition that clears.
 * Removes the rules from `tracked` and returns their ids, for the caller to drop their stored
 * states.
 */
export function retireAlerts(
  tracked: Map<string, Map<string, Tracked>>,
  live: ReadonlySet<string>,
  all: readonly AlertRule[],
  now: number,
  dashboardUrl: string,
  out: { transitions: AlertTransitionRecord[]; notify: AlertNotification[] },
): string[] {
  const retired: string[] = [];
  for (const [ruleId, mine] of tracked) {
    if (live.has(ruleId)) continue;
    // Still listed but not live means `enabled: false`; absent means deleted.
    const reason = all.some((r) => r.id === ruleId) ? 'rule disabled' : 'rule deleted';
    for (const t of mine.values()) {
      const from = t.record.state;
      if (from !== 'firing' && from !== 'pending') continue;
      const to = from === 'firing' ? 'resolved' : 'inactive';
      const record: AlertStateRecord = { ...t.record, state: to, since: now, lastEvaluated: now };
      out.transitions.push({
        ruleId,
        tenantId: record.tenantId,
        from,
        to,
        at: now,
        value: record.value,
        threshold: record.threshold,
      });
      if (to === 'resolved') {
        const summary = `resolved: ${reason} (last evaluation: ${t.summary})`;
        out.notify.push(
          toNotification({ ...t, record, summary }, 'resolved', false, now, dashboardUrl),
        );
      }
    }
    tracked.delete(ruleId);
    retired.push(ruleId);
  }
  return retired;
}
