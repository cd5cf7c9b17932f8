import { useApi } from '../../api/useApi.js';
import { QueryView } from '../../ui/states.js';
import { showValue } from '../trace/Attributes.js';

/** A rule as written in tenantry.yaml (snake_case); only the common fields are typed. */
interface Rule {
  id: string;
  name: string;
  kind: string;
  enabled?: boolean;
  severity?: string;
  window?: string;
  for?: string;
  threshold?: number;
  [k: string]: unknown;
}

/** GET /alert-rules items: `{ rule, source, ... }` entries (older servers: bare rules). */
type RuleItem = Record<string, unknown>;

function entryOf(item: RuleItem): { rule: Rule; source: string | undefined } {
  const wrapped = item as { rule?: unknown; source?: unknown };
  if (typeof wrapped.rule === 'object' && wrapped.rule !== null)
    return {
      rule: wrapped.rule as Rule,
      source: typeof wrapped.source === 'string' ? wrapped.source : undefined,
    };
  return { rule: item as Rule, source: undefined };
}

const SHOWN = new Set(['id', 'name', 'kind', 'enabled', 'severity', 'window', 'for', 'threshold']);

export function useRuleNames(enabled: boolean): Map<string, string> {
  const rules = useApi<{ items: RuleItem[] }>(enabled ? '/alert-rules' : null);
  const m = new Map<string, string>();
  for (const item of rules.data?.items ?? []) {
    const { rule } = entryOf(item);
    m.set(rule.id, rule.name);
  }
  return m;
}

/** The rules in force (admin keys only: rules name every tenant they override). */
export function AlertRules() {
  const rules = useApi<{ items: RuleItem[] }>('/alert-rules');
  return (
    <QueryView
      state={rules}
      onRetry={rules.reload}
      isEmpty={(d) => d.items.length === 0}
      empty="No alert rules are configured."
    >
      {(d) => (
        <table className="grid rules-table">
          <thead>
            <tr>
              <th>Rule</th>
              <th>Kind</th>
              <th>Severity</th>
              <th className="num">Threshold</th>
              <th>Window</th>
              <th>For</th>
              <th>Source</th>
              <th>Other settings</th>
            </tr>
          </thead>
          <tbody>
            {d.items.map((item) => {
              const { rule: r, source } = entryOf(item);
              const rest = Object.entries(r).filter(
                ([k, v]) =>
                  !SHOWN.has(k) &&
                  v !== undefined &&
                  !(Array.isArray(v) && v.length === 0) &&
                  !(typeof v === 'object' && v !== null && Object.keys(v).length === 0),
              );
              return (
                <tr key={r.id} className={r.enabled === false ? 'muted' : undefined}>
                  <td title={r.id}>
                    {r.name}
                    {r.enabled === false && ' (disabled)'}
                  </td>
                  <td>{r.kind}</td>
                  <td>
                    {r.severity && <span className={`badge ${r.severity}`}>{r.severity}</span>}
                  </td>
                  <td className="num">{r.threshold ?? '–'}</td>
                  <td>{r.window ?? '–'}</td>
                  <td>{r.for ?? '–'}</td>
                  <td>{source ?? '–'}</td>
                  <td className="wrap mono">
                    {rest.map(([k, v]) => `${k}=${showValue(v)}`).join('  ')}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </QueryView>
  );
}
