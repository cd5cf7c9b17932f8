import type { AlertStateRecord } from '../storage/types.js';
import { durationMs } from './duration.js';
import { type AlertRule, ruleForTenant } from './rules.js';
import { ruleFromSnapshot } from './snapshot.js';
import type { Tracked } from './views.js';

/**
 * The alerts the engine holds in memory, by rule then tenant. Only pairs that are not inactive
 * are here, so quiet tenants cost no memory. While the server runs this is the source of truth;
 * the store is written after, for history and restarts.
 */
export class TrackedAlerts {
  readonly byRule = new Map<string, Map<string, Tracked>>();

  /** The rule's pairs, made empty on first use. */
  ofRule(ruleId: string): Map<string, Tracked> {
    let m = this.byRule.get(ruleId);
    if (!m) {
      m = new Map();
      this.byRule.set(ruleId, m);
    }
    return m;
  }

  *all(): Generator<Tracked> {
    for (const m of this.byRule.values()) yield* m.values();
  }

  /**
   * Takes back the states saved before a restart. Values and links come back as of their last
   * evaluation until the next one recomputes them.
   */
  restore(rules: readonly AlertRule[], records: readonly AlertStateRecord[]): void {
    const byId = new Map(rules.map((r) => [r.id, r]));
    for (const record of records) {
      if (record.state === 'inactive') continue;
      // A rule gone from the configuration since the last run still has its alerts tracked from
      // the snapshot saved with them, so the first evaluation resolves them (retire.ts).
      const rule = byId.get(record.ruleId) ?? ruleFromSnapshot(record.ruleSnapshot);
      if (!rule) continue;
      const windowMs = durationMs(rule.window);
      this.ofRule(record.ruleId).set(record.tenantId, {
        record,
        rule: ruleForTenant(rule, record.tenantId) ?? rule,
        summary: `${rule.name}: value ${record.value}, threshold ${record.threshold}`,
        fromMs: record.lastEvaluated - windowMs,
        toMs: record.lastEvaluated,
      });
    }
  }
}
