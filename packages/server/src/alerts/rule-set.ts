import { InvalidRequestError, NotFoundError } from '../errors.js';
import type { AlertStore } from '../storage/types.js';
import { InvalidRuleError } from './errors.js';
import { type AlertRule, parseAlertRule } from './rules.js';

/**
 * The effective rules: tenantry.yaml's (defaults included) plus API-managed ones kept in the
 * store. An API rule with a config rule's id replaces it, so a default can be tuned or disabled
 * (`enabled: false`) without editing files. Read from the store on every call, so every server
 * sharing the store sees an edit at its next evaluation.
 */
export interface RuleEntry {
  rule: AlertRule;
  source: 'config' | 'api';
  /** Set for API rules. */
  updatedAt: string | null;
  /** True when an API rule replaces a config rule of the same id. */
  overridesConfig: boolean;
}

export interface AlertRuleSet {
  entries(): Promise<RuleEntry[]>;
  rules(): Promise<AlertRule[]>;
  get(id: string): Promise<RuleEntry>;
  put(id: string, body: unknown): Promise<RuleEntry>;
  delete(id: string): Promise<void>;
}

export function createRuleSet(
  configRules: readonly AlertRule[],
  store: AlertStore,
  now = () => new Date(),
): AlertRuleSet {
  const fromConfig = new Map(configRules.map((r) => [r.id, r]));

  async function entries(): Promise<RuleEntry[]> {
    const out = new Map<string, RuleEntry>();
    for (const rule of configRules) {
      out.set(rule.id, { rule, source: 'config', updatedAt: null, overridesConfig: false });
    }
    for (const record of await store.listAlertRules()) {
      let rule: AlertRule;
      try {
        rule = parseAlertRule(record.definition);
      } catch {
        // Stored by a newer or older server with another schema: skip it rather than stop alerting.
        continue;
      }
      out.set(rule.id, {
        rule,
        source: 'api',
        updatedAt: record.updatedAt,
        overridesConfig: fromConfig.has(rule.id),
      });
    }
    return [...out.values()].sort((a, b) => a.rule.id.localeCompare(b.rule.id));
  }

  async function get(id: string): Promise<RuleEntry> {
    const entry = (await entries()).find((e) => e.rule.id === id);
    if (!entry) throw new NotFoundError(`alert rule '${id}' not found`);
    return entry;
  }

  return {
    entries,
    get,
    async rules() {
      return (await entries()).map((e) => e.rule);
    },
    async put(id, body) {
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        throw new InvalidRuleError('invalid alert rule: the body must be a JSON object', '(root)');
      }
      const withId = { ...(body as Record<string, unknown>) };
      if (withId.id !== undefined && withId.id !== id) {
        throw new InvalidRuleError(
          `invalid alert rule at id: '${String(withId.id)}' differs from the URL's '${id}'`,
          'id',
        );
      }
      withId.id = id;
      const rule = parseAlertRule(withId);
      const updatedAt = now().toISOString();
      await store.upsertAlertRule({
        id,
        definition: rule as unknown as Record<string, unknown>,
        updatedAt,
      });
      return { rule, source: 'api', updatedAt, overridesConfig: fromConfig.has(id) };
    },
    async delete(id) {
      if (await store.deleteAlertRule(id)) return;
      if (fromConfig.has(id)) {
        throw new InvalidRequestError(
          `alert rule '${id}' comes from tenantry.yaml; disable it with PUT {"enabled": false} or edit the file`,
        );
      }
      throw new NotFoundError(`alert rule '${id}' not found`);
    },
  };
}
