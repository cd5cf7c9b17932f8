import { z } from 'zod';
import { durationMs, parseDuration } from './duration.js';
import { InvalidRuleError } from './errors.js';
import {
  type AlertRule,
  defaultAlertRules,
  firstIssue,
  parseAlertRule,
  positiveDuration,
  severity,
} from './rules.js';

/** The `alerts:` section of tenantry.yaml: rules, receivers, intervals and delivery tuning. */

const webhookSchema = z
  .object({
    url: z
      .string()
      .url()
      .refine((u) => /^https?:\/\//i.test(u), { message: 'expected an http:// or https:// URL' }),
    format: z.enum(['json', 'slack']).default('json'),
    headers: z.record(z.string(), z.string()).default({}),
    /** Only alerts of these severities go to this receiver; all when absent. */
    severities: z.array(severity).optional(),
  })
  .strict();

export type WebhookConfig = z.output<typeof webhookSchema>;

/** Webhook delivery tuning; the defaults suit a Slack webhook or a small HTTP receiver. */
const deliverySchema = z
  .object({
    timeout: positiveDuration.default('10s'),
    max_attempts: z.number().int().min(1).max(20).default(6),
    backoff: positiveDuration.default('1s'),
    max_backoff: positiveDuration.default('60s'),
    max_queue: z.number().int().min(1).max(1_000_000).default(1000),
    concurrency: z.number().int().min(1).max(64).default(4),
  })
  .strict();

const alertsSectionSchema = z
  .object({
    /** Include the built-in default rules (a configured rule with the same id replaces one). */
    defaults: z.boolean().default(true),
    rules: z.array(z.unknown()).default([]),
    webhooks: z.array(webhookSchema).default([]),
    interval: positiveDuration.default('30s'),
    repeat_interval: positiveDuration.default('4h'),
    delivery: deliverySchema.default(deliverySchema.parse({})),
  })
  .strict();

export interface AlertsSection {
  rules: AlertRule[];
  webhooks: WebhookConfig[];
  intervalMs: number;
  repeatIntervalMs: number;
  delivery: {
    timeoutMs: number;
    maxAttempts: number;
    backoffMs: number;
    maxBackoffMs: number;
    maxQueue: number;
    concurrency: number;
  };
}

/** Validates the whole `alerts:` section of tenantry.yaml. */
export function parseAlertsSection(input: unknown, prefix = 'alerts'): AlertsSection {
  const result = alertsSectionSchema.safeParse(input ?? {});
  if (!result.success) throw firstIssue(result.error, prefix);
  const section = result.data;
  const configured = section.rules.map((r, i) => parseAlertRule(r, `${prefix}.rules[${i}]`));
  const seen = new Set<string>();
  configured.forEach((rule, i) => {
    if (seen.has(rule.id)) {
      const path = `${prefix}.rules[${i}].id`;
      throw new InvalidRuleError(`invalid alert rule at ${path}: duplicate id '${rule.id}'`, path);
    }
    seen.add(rule.id);
  });
  const defaults = section.defaults ? defaultAlertRules().filter((r) => !seen.has(r.id)) : [];
  return {
    rules: [...defaults, ...configured],
    webhooks: section.webhooks,
    intervalMs: parseDuration(section.interval) ?? 30_000,
    repeatIntervalMs: parseDuration(section.repeat_interval) ?? 4 * 3_600_000,
    delivery: {
      timeoutMs: durationMs(section.delivery.timeout),
      maxAttempts: section.delivery.max_attempts,
      backoffMs: durationMs(section.delivery.backoff),
      maxBackoffMs: durationMs(section.delivery.max_backoff),
      maxQueue: section.delivery.max_queue,
      concurrency: section.delivery.concurrency,
    },
  };
}

/** The rules of the `alerts:` section (defaults included unless `defaults: false`). */
export function parseAlertRules(input: unknown): AlertRule[] {
  return parseAlertsSection(input).rules;
}
