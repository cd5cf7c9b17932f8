import { jsonOnce } from '../storage/json.js';
import { type AlertRule, alertRuleSchema } from './rules.js';

const snapshots = new WeakMap<AlertRule, string>();

/**
 * The rule as stored with its alert states. Cached per rule object: every tenant without an
 * override shares its rule's object, so a fleet-wide transition serialises the rule once.
 */
export function snapshotOfRule(rule: AlertRule): string {
  return jsonOnce(snapshots, rule);
}

/**
 * Reads a stored snapshot back; null when there is none (states saved before snapshots existed)
 * or it no longer parses (written by a newer server): those states are skipped, as before.
 */
export function ruleFromSnapshot(json: string | null): AlertRule | null {
  if (json === null) return null;
  try {
    const parsed = alertRuleSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
