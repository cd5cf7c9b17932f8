import type { TenantScope } from './types.js';

/** Alert state, history and API-managed rules (used by alerts/, stored with the data). */

export type AlertStateName = 'inactive' | 'pending' | 'firing' | 'resolved';

/** Current state of one (rule, tenant) pair. Upserted by the alert engine each evaluation. */
export interface AlertStateRecord {
  ruleId: string;
  tenantId: string;
  state: AlertStateName;
  /** Epoch ms when the current state began. */
  since: number;
  lastEvaluated: number;
  value: number;
  threshold: number;
  /** Epoch ms of the last notification sent for this pair, or null. */
  lastNotifiedAt: number | null;
  exampleTraceId: string | null;
  /**
   * The rule as it applied to this tenant when the state was saved (JSON, opaque to storage). A
   * rule removed from tenantry.yaml is gone after a restart; this is what still lets its firing
   * alerts resolve, with a notification naming the rule.
   */
  ruleSnapshot: string | null;
  /**
   * What the failing runs share (alerts/suspect.ts, JSON, opaque to storage), computed once when
   * the alert began firing, so the alerts page shows the suspect the notification carried, across
   * restarts. Null when none was found, and in any other state.
   */
  suspect: string | null;
}

export interface AlertTransitionRecord {
  ruleId: string;
  tenantId: string;
  from: AlertStateName;
  to: AlertStateName;
  /** Epoch ms. */
  at: number;
  value: number;
  threshold: number;
}

export interface AlertRuleRecord {
  id: string;
  /** The rule as validated by alerts/ (JSON-serialisable). */
  definition: Record<string, unknown>;
  updatedAt: string;
}

export interface AlertStore {
  loadAlertStates(): Promise<AlertStateRecord[]>;
  /** Upserts by (tenantId, ruleId). */
  saveAlertStates(states: AlertStateRecord[]): Promise<void>;
  /** Removes every tenant's state of one rule (the rule was deleted or disabled). */
  deleteAlertStates(ruleId: string): Promise<void>;
  appendAlertTransitions(transitions: AlertTransitionRecord[]): Promise<void>;
  listAlertTransitions(
    scope: TenantScope,
    query: { fromMs?: number; toMs?: number; limit: number; cursor?: string },
  ): Promise<{ items: AlertTransitionRecord[]; nextCursor: string | null }>;
  listAlertRules(): Promise<AlertRuleRecord[]>;
  upsertAlertRule(rule: AlertRuleRecord): Promise<void>;
  deleteAlertRule(id: string): Promise<boolean>;
}
