import type { AlertSeverity } from '../query/contract.js';
import type { AlertRuleKind } from './rules.js';
import type { AlertSuspect } from './suspect.js';

/** What the engine hands the notifier on a transition (or a repeat while firing). */
export interface AlertNotification {
  /** Same key = same event; the notifier drops a second copy. */
  dedupKey: string;
  state: 'firing' | 'resolved';
  /** True when re-sent at the repeat interval while still firing. */
  repeat: boolean;
  tenantId: string;
  ruleId: string;
  ruleName: string;
  ruleKind: AlertRuleKind;
  severity: AlertSeverity;
  labels: Record<string, string>;
  value: number;
  threshold: number;
  window: string;
  windowSeconds: number;
  /** Epoch ms the current state began. */
  since: number;
  /** Epoch ms of the evaluation that produced this notification. */
  at: number;
  summary: string;
  dashboardUrl: string;
  exampleTraceId: string | null;
  exampleTraceUrl: string | null;
  /** What the failing runs share and what changed (alerts/suspect.ts); only when it began firing. */
  suspect?: AlertSuspect | null;
}

/** The generic JSON webhook body. */
export function jsonPayload(n: AlertNotification): Record<string, unknown> {
  return {
    version: 1,
    state: n.state,
    repeat: n.repeat,
    tenant: n.tenantId,
    rule: { id: n.ruleId, name: n.ruleName, kind: n.ruleKind, severity: n.severity },
    labels: n.labels,
    value: n.value,
    threshold: n.threshold,
    window: n.window,
    windowSeconds: n.windowSeconds,
    since: new Date(n.since).toISOString(),
    at: new Date(n.at).toISOString(),
    summary: n.summary,
    dashboardUrl: n.dashboardUrl,
    exampleTraceId: n.exampleTraceId,
    exampleTraceUrl: n.exampleTraceUrl,
    suspect: n.suspect ?? null,
  };
}

/** Slack incoming-webhook body: `text` is the fallback for clients that do not render blocks. */
export function slackPayload(n: AlertNotification): { text: string; blocks: unknown[] } {
  const icon =
    n.state === 'resolved'
      ? ':white_check_mark:'
      : n.severity === 'critical'
        ? ':rotating_light:'
        : ':warning:';
  const head = `${n.state === 'resolved' ? 'RESOLVED' : 'FIRING'}${n.repeat ? ' (still)' : ''}`;
  const suspect = n.suspect ? ` Suspect: ${n.suspect.summary}` : '';
  const text = `${icon} [${head}] tenant ${n.tenantId}: ${n.ruleName} - ${n.summary}${suspect}`;
  const buttons: unknown[] = [
    { type: 'button', text: { type: 'plain_text', text: 'Open tenant runs' }, url: n.dashboardUrl },
  ];
  if (n.suspect?.passingTraceUrl) {
    buttons.push({
      type: 'button',
      text: { type: 'plain_text', text: 'A passing run' },
      url: n.suspect.passingTraceUrl,
    });
  }
  if (n.exampleTraceUrl) {
    buttons.push({
      type: 'button',
      text: { type: 'plain_text', text: 'Example failing trace' },
      url: n.exampleTraceUrl,
    });
  }
  const fields = [
    `*Tenant*\n${n.tenantId}`,
    `*Severity*\n${n.severity}`,
    `*Value*\n${formatNumber(n.value)}`,
    `*Threshold*\n${formatNumber(n.threshold)}`,
    `*Window*\n${n.window}`,
    `*Rule*\n${n.ruleId} (${n.ruleKind})`,
  ].map((t) => ({ type: 'mrkdwn', text: t }));
  return {
    text,
    blocks: [
      {
        type: 'section',
        text: { type: 'mrkdwn', text: `${icon} *[${head}] ${n.ruleName}*\n${n.summary}` },
      },
      ...(n.suspect
        ? [{ type: 'section', text: { type: 'mrkdwn', text: `*Suspect*\n${n.suspect.summary}` } }]
        : []),
      { type: 'section', fields },
      { type: 'actions', elements: buttons },
    ],
  };
}

function formatNumber(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(4);
}
