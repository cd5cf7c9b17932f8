import type { AlertSuspect, AlertView } from '../query/contract.js';
import type { AlertStateRecord, TenantScope } from '../storage/types.js';
import { durationMs } from './duration.js';
import { tenantRunsUrl, traceUrl } from './links.js';
import type { AlertNotification } from './payload.js';
import type { AlertRule } from './rules.js';

/** One (rule, tenant) pair the engine keeps in memory, and what the API and webhooks see of it. */
export interface Tracked {
  record: AlertStateRecord;
  /** The rule as applied to the tenant (its override merged in). */
  rule: AlertRule;
  summary: string;
  /** The window of the last value, for links. */
  fromMs: number;
  toMs: number;
}

/** The window a rule measures over, as written and in seconds (a daily budget counts since 00:00 UTC). */
export function ruleWindow(rule: AlertRule): { window: string; seconds: number } {
  if (rule.kind === 'tokens' && rule.mode === 'daily') return { window: '1d', seconds: 86_400 };
  return { window: rule.window, seconds: durationMs(rule.window) / 1000 };
}

function dashboardLink(t: Tracked, dashboardUrl: string): string {
  // Rate rules link to the failing runs; the others to all of the tenant's runs in the window.
  const failures = t.rule.kind === 'failure_rate' || t.rule.kind === 'tool_error_rate';
  return tenantRunsUrl(dashboardUrl, t.record.tenantId, t, failures);
}

export function toNotification(
  t: Tracked,
  state: 'firing' | 'resolved',
  repeat: boolean,
  now: number,
  dashboardUrl: string,
): AlertNotification {
  const r = t.record;
  return {
    dedupKey: `${r.ruleId}|${r.tenantId}|${state}|${r.since}${repeat ? `|${now}` : ''}`,
    state,
    repeat,
    tenantId: r.tenantId,
    ruleId: r.ruleId,
    ruleName: t.rule.name,
    ruleKind: t.rule.kind,
    severity: t.rule.severity,
    labels: t.rule.labels,
    value: r.value,
    threshold: r.threshold,
    window: ruleWindow(t.rule).window,
    windowSeconds: ruleWindow(t.rule).seconds,
    since: r.since,
    at: now,
    summary: t.summary,
    dashboardUrl: dashboardLink(t, dashboardUrl),
    exampleTraceId: r.exampleTraceId,
    exampleTraceUrl: r.exampleTraceId ? traceUrl(dashboardUrl, r.exampleTraceId) : null,
  };
}

/** The stored suspect (engine.ts writes it); one that no longer parses is shown as none. */
function parseSuspect(json: string | null): AlertSuspect | null {
  if (json === null) return null;
  try {
    return JSON.parse(json) as AlertSuspect;
  } catch {
    return null;
  }
}

/** Pending and firing pairs the scope may see: firing first, then by tenant and rule. */
export function toAlertViews(
  tracked: Iterable<Tracked>,
  scope: TenantScope,
  dashboardUrl: string,
): AlertView[] {
  const views: AlertView[] = [];
  for (const t of tracked) {
    const r = t.record;
    if (r.state !== 'pending' && r.state !== 'firing') continue;
    if (scope.tenantId !== null && r.tenantId !== scope.tenantId) continue;
    views.push({
      id: `${r.ruleId}:${r.tenantId}`,
      ruleId: r.ruleId,
      ruleName: t.rule.name,
      ruleKind: t.rule.kind,
      tenantId: r.tenantId,
      state: r.state,
      severity: t.rule.severity,
      value: r.value,
      threshold: r.threshold,
      windowSeconds: ruleWindow(t.rule).seconds,
      since: new Date(r.since).toISOString(),
      lastEvaluated: new Date(r.lastEvaluated).toISOString(),
      labels: t.rule.labels,
      summary: t.summary,
      dashboardUrl: dashboardLink(t, dashboardUrl),
      exampleTraceId: r.exampleTraceId,
      suspect: r.state === 'firing' ? parseSuspect(r.suspect) : null,
    });
  }
  const rank = (state: string) => (state === 'firing' ? 0 : 1);
  return views.sort(
    (a, b) =>
      rank(a.state) - rank(b.state) ||
      a.tenantId.localeCompare(b.tenantId) ||
      a.ruleId.localeCompare(b.ruleId),
  );
}
