import type { AlertStateName, AlertStateRecord, AlertTransitionRecord } from '../storage/types.js';
import { durationMs } from './duration.js';
import type { TenantVerdict } from './evaluate.js';
import type { AlertNotification } from './payload.js';
import type { AlertRule } from './rules.js';
import { snapshotOfRule } from './snapshot.js';
import { nextState } from './state.js';
import { type Tracked, toNotification } from './views.js';

/** What one evaluation changes: the states to save, the history to append, the pages to send. */
export interface AlertChanges {
  save: AlertStateRecord[];
  transitions: AlertTransitionRecord[];
  notify: AlertNotification[];
}

export function noChanges(): AlertChanges {
  return { save: [], transitions: [], notify: [] };
}

export interface TransitionSettings {
  /** How often a still-firing alert is notified again. */
  repeatIntervalMs: number;
  /** Base URL of the dashboard, for links in notifications. */
  dashboardUrl: string;
}

/**
 * Moves one rule's tracked alerts (`mine`, by tenant) on by this evaluation's verdicts, adding
 * what changed to `out`. Tracked tenants without a verdict have no traffic now: their condition
 * is off. A pair that stays inactive is never tracked, so quiet tenants cost no memory.
 */
export function applyVerdicts(
  rule: AlertRule,
  verdicts: readonly TenantVerdict[],
  mine: Map<string, Tracked>,
  now: number,
  settings: TransitionSettings,
  out: AlertChanges,
): void {
  const step: RuleStep = { rule, mine, now, settings, out };
  const before = [...mine.keys()];
  for (const v of verdicts) stepAlert(step, v.tenantId, v);
  if (before.length > 0) {
    const seen = new Set(verdicts.map((v) => v.tenantId));
    for (const tenantId of before) if (!seen.has(tenantId)) stepAlert(step, tenantId, undefined);
  }
}

/** What every tenant's step of one rule shares. */
interface RuleStep {
  rule: AlertRule;
  mine: Map<string, Tracked>;
  now: number;
  settings: TransitionSettings;
  out: AlertChanges;
}

/** One (rule, tenant) pair: its next state, its history entry, its notification, its save. */
function stepAlert(
  { rule, mine, now, settings, out }: RuleStep,
  tenantId: string,
  v: TenantVerdict | undefined,
): void {
  const prev = mine.get(tenantId);
  const from: AlertStateName = prev?.record.state ?? 'inactive';
  const since = prev?.record.since ?? now;
  const applied = v?.rule ?? prev?.rule ?? rule;
  const to = nextState(from, since, v?.active ?? false, durationMs(applied.for), now);
  if (!prev && to === 'inactive') return;
  const record: AlertStateRecord = {
    ruleId: rule.id,
    tenantId,
    state: to,
    since: to === from ? since : now,
    lastEvaluated: now,
    value: v?.value ?? 0,
    threshold: v?.threshold ?? prev?.record.threshold ?? applied.threshold,
    lastNotifiedAt: prev?.record.lastNotifiedAt ?? null,
    exampleTraceId: v?.exampleTraceId ?? prev?.record.exampleTraceId ?? null,
    ruleSnapshot: prev?.record.ruleSnapshot ?? null,
    // Named once, when it began firing (deliver.ts, after the verdicts); kept while it fires.
    suspect: to === 'firing' ? (prev?.record.suspect ?? null) : null,
  };
  const t: Tracked = {
    record,
    rule: applied,
    summary: v ? v.summary() : `no data to evaluate over ${applied.window}`,
    fromMs: v?.fromMs ?? now - durationMs(applied.window),
    toMs: v?.toMs ?? now,
  };
  if (to !== from) {
    out.transitions.push({
      ruleId: rule.id,
      tenantId,
      from,
      to,
      at: now,
      value: record.value,
      threshold: record.threshold,
    });
  }
  const fired = to === 'firing' && from !== 'firing';
  const resolved = to === 'resolved' && from === 'firing';
  const due =
    to === 'firing' &&
    !fired &&
    record.lastNotifiedAt !== null &&
    now - record.lastNotifiedAt >= settings.repeatIntervalMs;
  if (fired || resolved || due) {
    out.notify.push(
      toNotification(t, fired || due ? 'firing' : 'resolved', due, now, settings.dashboardUrl),
    );
    record.lastNotifiedAt = now;
  }
  if (to === 'inactive') mine.delete(tenantId);
  else mine.set(tenantId, t);
  // Only changes are written (a transition, a notification, or an edit of the rule): what a
  // restart needs is the state, its start, the last notification and the rule as it now is
  // (a rule removed while down is resolved from it); live values are served from memory.
  const snapshot = snapshotOfRule(applied);
  if (
    to !== from ||
    record.lastNotifiedAt !== prev?.record.lastNotifiedAt ||
    snapshot !== record.ruleSnapshot
  ) {
    record.ruleSnapshot = snapshot;
    out.save.push(record);
  }
}
