import type { AlertStore } from '../storage/types.js';
import type { AlertNotifier } from './notifier.js';
import { attachSuspects, type SuspectQuery } from './suspect.js';
import type { TrackedAlerts } from './tracked.js';
import type { AlertChanges } from './transitions.js';

export interface DeliveryDeps {
  store: AlertStore;
  notifier: AlertNotifier;
  dashboardUrl: string;
  /** Names the suspect of an alert that starts firing; none when absent. */
  suspect?: SuspectQuery;
}

/**
 * Sends an evaluation's notifications, then writes its states, history and the stored states of
 * retired rules. Memory is the source of truth while running: notify first, so a storage outage
 * delays the history, never the page. Returns the store's failure, if any, for the report.
 */
export async function deliverChanges(
  changes: AlertChanges,
  retired: readonly string[],
  tracked: TrackedAlerts,
  deps: DeliveryDeps,
): Promise<{ ruleId: string; message: string } | null> {
  if (deps.suspect) {
    await attachSuspects(changes.notify, deps.suspect, deps.dashboardUrl);
    // Saved with the state (the transition's record), so the alerts page and a restart show the
    // suspect the notification carried instead of computing it again.
    for (const n of changes.notify) {
      const record =
        n.suspect !== undefined && tracked.byRule.get(n.ruleId)?.get(n.tenantId)?.record;
      if (record) record.suspect = n.suspect ? JSON.stringify(n.suspect) : null;
    }
  }
  for (const n of changes.notify) deps.notifier.notify(n);
  try {
    if (changes.save.length > 0) await deps.store.saveAlertStates(changes.save);
    if (changes.transitions.length > 0)
      await deps.store.appendAlertTransitions(changes.transitions);
    // Last: if it fails, the rows stay behind; a restart skips states of unknown rules.
    for (const ruleId of retired) await deps.store.deleteAlertStates(ruleId);
    return null;
  } catch (err) {
    return { ruleId: '(store)', message: err instanceof Error ? err.message : String(err) };
  }
}
