import { z } from 'zod';
import { parseDuration } from './duration.js';
import { InvalidRuleError } from './errors.js';

/**
 * Alert rules: the entries of `alerts.rules` in tenantry.yaml and the body of
 * PUT /api/v1/alert-rules/:id.
 * Parsed rules keep the snake_case shape people write (durations stay strings), so a rule read back
 * from the API or storage is the same document that was written.
 */

export const duration = z.string().refine((s) => parseDuration(s) !== null, {
  message: "expected a duration like '30s', '10m', '1h' or '1d'",
});
export const positiveDuration = duration.refine((s) => (parseDuration(s) ?? 0) > 0, {
  message: 'expected a duration greater than 0',
});

export const severity = z.enum(['critical', 'warning', 'info']);
const labels = z.record(z.string(), z.string());

/** Per-tenant changes to one rule; any field left out keeps the rule's value. */
const override = z
  .object({
    threshold: z.number().finite().optional(),
    min_runs: z.number().int().min(0).optional(),
    for: duration.optional(),
    severity: severity.optional(),
    labels: labels.optional(),
    max_llm_calls: z.number().int().min(1).optional(),
    max_tokens: z.number().int().min(1).optional(),
    max_repeated_tool_calls: z.number().int().min(1).optional(),
    min_scores: z.number().int().min(1).optional(),
  })
  .strict();

const common = {
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, 'expected lowercase letters, digits, _ . - (max 64)'),
  name: z.string().min(1).max(200),
  enabled: z.boolean().default(true),
  window: positiveDuration.default('10m'),
  min_runs: z.number().int().min(0).default(0),
  for: duration.default('0s'),
  severity: severity.default('warning'),
  labels: labels.default({}),
  /** Only these tenants are evaluated; all active tenants when absent. */
  tenants: z.array(z.string().min(1)).optional(),
  exclude_tenants: z.array(z.string().min(1)).default([]),
  overrides: z.record(z.string().min(1), override).default({}),
};

const ratio = z.number().min(0).max(1);

const failureRateRule = z
  .object({ ...common, kind: z.literal('failure_rate'), threshold: ratio })
  .strict();

const toolErrorRateRule = z
  .object({
    ...common,
    kind: z.literal('tool_error_rate'),
    threshold: ratio,
    /** Fewer tool calls than this in the window is not an incident. */
    min_tool_calls: z.number().int().min(0).default(10),
  })
  .strict();

const latencyRule = z
  .object({
    ...common,
    kind: z.literal('latency'),
    quantile: z.enum(['p50', 'p95', 'p99']),
    /** Milliseconds. */
    threshold: z.number().positive(),
  })
  .strict();

const tokensRule = z
  .object({
    ...common,
    kind: z.literal('tokens'),
    /** `window`: tokens in the sliding window; `daily`: tokens since 00:00 UTC (a daily budget). */
    mode: z.enum(['window', 'daily']).default('window'),
    token_type: z.enum(['total', 'input', 'output']).default('total'),
    threshold: z.number().positive(),
  })
  .strict();

const tokenAnomalyRule = z
  .object({
    ...common,
    kind: z.literal('token_anomaly'),
    /** Fires when current window tokens > threshold x the tenant's baseline (median of past windows). */
    threshold: z.number().min(1.5),
    window: positiveDuration.default('5m'),
    /**
     * `recent`: the windows of the same length just before the current one (a 60-minute history
     * is enough). `same_time_daily`: the same time of day on each previous day, for tenants whose
     * traffic follows the clock (busy mornings are then no anomaly).
     */
    baseline: z.enum(['recent', 'same_time_daily']).default('recent'),
    /** How many past windows (or days, for `same_time_daily`) make the baseline. */
    baseline_windows: z.number().int().min(3).max(288).default(6),
    /** Fewer past windows with traffic than this: no baseline yet, no verdict. */
    min_baseline_windows: z.number().int().min(1).default(3),
    /** A baseline median below this many tokens is too small to compare against. */
    min_baseline_tokens: z.number().min(0).default(1000),
  })
  .strict()
  .refine((r) => r.min_baseline_windows <= r.baseline_windows, {
    message: 'min_baseline_windows must not exceed baseline_windows',
    path: ['min_baseline_windows'],
  });

const runawayRunRule = z
  .object({
    ...common,
    kind: z.literal('runaway_run'),
    /** Runaway runs tolerated in the window; the default 0 fires on the first one. */
    threshold: z.number().int().min(0).default(0),
    max_llm_calls: z.number().int().min(1).default(25),
    max_tokens: z.number().int().min(1).default(200_000),
    max_repeated_tool_calls: z.number().int().min(1).default(5),
  })
  .strict();

/**
 * "Answers users marked wrong": the share of negative scores (below 0.5, storage/score-types.ts)
 * among the scores and feedback given to the tenant's runs in the window.
 */
const negativeFeedbackRule = z
  .object({
    ...common,
    kind: z.literal('negative_feedback'),
    threshold: ratio,
    window: positiveDuration.default('1h'),
    /** Fewer scores than this in the window is no verdict: two thumbs-down are not a trend. */
    min_scores: z.number().int().min(1).default(10),
  })
  .strict();

export const alertRuleSchema = z.discriminatedUnion('kind', [
  failureRateRule,
  toolErrorRateRule,
  latencyRule,
  tokensRule,
  tokenAnomalyRule,
  runawayRunRule,
  negativeFeedbackRule,
]);

export type AlertRule = z.output<typeof alertRuleSchema>;
export type AlertRuleInput = z.input<typeof alertRuleSchema>;
export type AlertRuleKind = AlertRule['kind'];
export type RuleOverride = z.output<typeof override>;

export function pathOf(prefix: string, path: readonly PropertyKey[]): string {
  let out = prefix;
  for (const part of path) {
    out += typeof part === 'number' ? `[${part}]` : `${out ? '.' : ''}${String(part)}`;
  }
  return out || '(root)';
}

export function firstIssue(err: z.ZodError, prefix: string): InvalidRuleError {
  const issue = err.issues[0];
  const path = pathOf(prefix, issue?.path ?? []);
  return new InvalidRuleError(
    `invalid alert rule at ${path}: ${issue?.message ?? 'invalid'}`,
    path,
  );
}

/** Validates one rule; `prefix` is prepended to the reported field path. */
export function parseAlertRule(input: unknown, prefix = ''): AlertRule {
  const result = alertRuleSchema.safeParse(input);
  if (!result.success) throw firstIssue(result.error, prefix);
  const rule = result.data;
  // An override must make a valid rule of the same kind (a failure-rate threshold stays within
  // 0..1, runaway limits only on runaway rules), so each merged rule is validated too.
  for (const [tenant, o] of Object.entries(rule.overrides)) {
    const merged = alertRuleSchema.safeParse({ ...rule, ...definedOnly(o), overrides: {} });
    if (!merged.success) throw firstIssue(merged.error, pathOf(prefix, ['overrides', tenant]));
  }
  return rule;
}

/**
 * On out of the box. `for: 1m` on the failure rate keeps a single bad evaluation from paging while
 * still firing within minutes of the demo's backfill (its last 10 minutes already hold the failures).
 * The anomaly baseline is 6 x 5 min, so 60 minutes of history is more than enough.
 */
export function defaultAlertRules(): AlertRule[] {
  return [
    parseAlertRule({
      id: 'default.failure-rate',
      name: 'Agent run failure rate above 5%',
      kind: 'failure_rate',
      threshold: 0.05,
      window: '10m',
      min_runs: 10,
      for: '1m',
      severity: 'critical',
    }),
    parseAlertRule({
      id: 'default.token-anomaly',
      name: 'Token usage 5x above the tenant baseline',
      kind: 'token_anomaly',
      threshold: 5,
      window: '5m',
      baseline_windows: 6,
      min_baseline_windows: 3,
      min_baseline_tokens: 1000,
      for: '0s',
      severity: 'warning',
    }),
    parseAlertRule({
      id: 'default.runaway-run',
      name: 'Runaway agent run (LLM call, token or repeated tool-call loop)',
      kind: 'runaway_run',
      window: '10m',
      max_llm_calls: 25,
      max_tokens: 200_000,
      max_repeated_tool_calls: 5,
      severity: 'critical',
    }),
    parseAlertRule({
      id: 'default.negative-feedback',
      name: 'Negative feedback above 30%',
      kind: 'negative_feedback',
      threshold: 0.3,
      window: '1h',
      min_scores: 10,
      for: '0s',
      severity: 'warning',
    }),
  ];
}

/** The rule as it applies to one tenant (its override merged in), or null when excluded. */
const unscoped = new WeakMap<AlertRule, boolean>();

export function ruleForTenant(rule: AlertRule, tenantId: string): AlertRule | null {
  // Hot path (rules x tenants each evaluation): most rules have no per-tenant scoping at all.
  let plain = unscoped.get(rule);
  if (plain === undefined) {
    plain =
      rule.exclude_tenants.length === 0 &&
      !rule.tenants &&
      Object.keys(rule.overrides).length === 0;
    unscoped.set(rule, plain);
  }
  if (plain) return rule;
  if (rule.exclude_tenants.includes(tenantId)) return null;
  if (rule.tenants && !rule.tenants.includes(tenantId)) return null;
  const o = rule.overrides[tenantId];
  if (!o) return rule;
  const { labels: extra, ...rest } = o;
  const merged = { ...rule, ...definedOnly(rest), labels: { ...rule.labels, ...extra } };
  return merged as AlertRule;
}

function definedOnly<T extends object>(obj: T): Partial<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as Partial<T>;
}
