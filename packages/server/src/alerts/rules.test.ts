import { describe, expect, it } from 'vitest';
import { InvalidRuleError } from './errors.js';
import { defaultAlertRules, parseAlertRule, ruleForTenant } from './rules.js';
import { parseAlertsSection } from './section.js';

function errorOf(fn: () => unknown): InvalidRuleError {
  try {
    fn();
  } catch (err) {
    if (err instanceof InvalidRuleError) return err;
    throw err;
  }
  throw new Error('expected an InvalidRuleError');
}

describe('alert rules', () => {
  it('ships the three default rules of issue 8 and the negative-feedback rule of issue 19', () => {
    const rules = defaultAlertRules();
    const failure = rules.find((r) => r.kind === 'failure_rate');
    expect(failure).toMatchObject({ threshold: 0.05, window: '10m', min_runs: 10 });
    expect(rules.find((r) => r.kind === 'negative_feedback')).toMatchObject({
      threshold: 0.3,
      window: '1h',
      min_scores: 10,
    });
    expect(rules.map((r) => r.kind).sort()).toEqual([
      'failure_rate',
      'negative_feedback',
      'runaway_run',
      'token_anomaly',
    ]);
  });

  it('includes defaults unless disabled, and a configured rule replaces a default of the same id', () => {
    const section = parseAlertsSection({
      rules: [
        { id: 'default.failure-rate', name: 'stricter', kind: 'failure_rate', threshold: 0.02 },
      ],
    });
    expect(section.rules).toHaveLength(4);
    expect(section.rules.find((r) => r.id === 'default.failure-rate')?.threshold).toBe(0.02);
    expect(parseAlertsSection({ defaults: false }).rules).toEqual([]);
    expect(section.intervalMs).toBe(30_000);
  });

  it('names the path of a bad field in the error', () => {
    const err = errorOf(() =>
      parseAlertsSection({
        rules: [
          { id: 'ok', name: 'ok', kind: 'failure_rate', threshold: 0.1 },
          {
            id: 'lat',
            name: 'lat',
            kind: 'latency',
            quantile: 'p95',
            threshold: 100,
            window: 'ten',
          },
        ],
      }),
    );
    expect(err.code).toBe('TENANTRY_E_INVALID_RULE');
    expect(err.path).toBe('alerts.rules[1].window');
    expect(err.message).toContain('duration');
  });

  it('rejects an unknown kind, an unknown field and a duplicate id', () => {
    expect(errorOf(() => parseAlertRule({ id: 'x', name: 'x', kind: 'nope' })).path).toBe('kind');
    expect(
      errorOf(() =>
        parseAlertRule({ id: 'x', name: 'x', kind: 'failure_rate', threshold: 0.1, treshold: 1 }),
      ).message,
    ).toContain('treshold');
    const dup = { id: 'x', name: 'x', kind: 'failure_rate', threshold: 0.1 };
    expect(errorOf(() => parseAlertsSection({ rules: [dup, dup] })).path).toBe(
      'alerts.rules[1].id',
    );
  });

  it('rejects a failure-rate threshold above 1 and a latency rule without quantile', () => {
    expect(
      errorOf(() => parseAlertRule({ id: 'x', name: 'x', kind: 'failure_rate', threshold: 5 }))
        .path,
    ).toBe('threshold');
    expect(
      errorOf(() => parseAlertRule({ id: 'x', name: 'x', kind: 'latency', threshold: 5 })).path,
    ).toBe('quantile');
  });

  it('applies per-tenant overrides and exclusions', () => {
    const rule = parseAlertRule({
      id: 'fr',
      name: 'fr',
      kind: 'failure_rate',
      threshold: 0.05,
      labels: { team: 'core' },
      exclude_tenants: ['internal'],
      overrides: { big: { threshold: 0.2, labels: { tier: 'gold' } } },
    });
    expect(ruleForTenant(rule, 'internal')).toBeNull();
    expect(ruleForTenant(rule, 'small')?.threshold).toBe(0.05);
    const big = ruleForTenant(rule, 'big');
    expect(big?.threshold).toBe(0.2);
    expect(big?.labels).toEqual({ team: 'core', tier: 'gold' });
  });

  it('round-trips a parsed rule through JSON unchanged', () => {
    for (const rule of defaultAlertRules()) {
      expect(parseAlertRule(JSON.parse(JSON.stringify(rule)))).toEqual(rule);
    }
  });
});

describe('alert rule overrides', () => {
  it('rejects an override that makes the rule invalid for its kind, naming the tenant', () => {
    expect(
      errorOf(() =>
        parseAlertRule({
          id: 'fr',
          name: 'fr',
          kind: 'failure_rate',
          threshold: 0.05,
          overrides: { acme: { threshold: 5 } },
        }),
      ).path,
    ).toBe('overrides.acme.threshold');
    expect(
      errorOf(() =>
        parseAlertRule({
          id: 'fr',
          name: 'fr',
          kind: 'failure_rate',
          threshold: 0.05,
          overrides: { acme: { max_llm_calls: 5 } },
        }),
      ).message,
    ).toContain('max_llm_calls');
  });

  it('accepts runaway limits in an override of a runaway rule', () => {
    const rule = parseAlertRule({
      id: 'rr',
      name: 'rr',
      kind: 'runaway_run',
      overrides: { big: { max_llm_calls: 100 } },
    });
    expect(ruleForTenant(rule, 'big')).toMatchObject({ max_llm_calls: 100, max_tokens: 200_000 });
  });

  it('takes a minimum count of scores on a negative-feedback rule, and in its overrides only', () => {
    const rule = parseAlertRule({
      id: 'nf',
      name: 'nf',
      kind: 'negative_feedback',
      threshold: 0.2,
      overrides: { big: { min_scores: 50 } },
    });
    expect(rule).toMatchObject({ window: '1h', min_scores: 10 });
    expect(ruleForTenant(rule, 'big')).toMatchObject({ min_scores: 50, threshold: 0.2 });
    expect(
      errorOf(() =>
        parseAlertRule({ id: 'nf', name: 'nf', kind: 'negative_feedback', threshold: 30 }),
      ).path,
    ).toBe('threshold');
    expect(
      errorOf(() =>
        parseAlertRule({
          id: 'fr',
          name: 'fr',
          kind: 'failure_rate',
          threshold: 0.05,
          overrides: { acme: { min_scores: 5 } },
        }),
      ).message,
    ).toContain('min_scores');
  });
});

describe('alerts section', () => {
  it('accepts only http(s) webhook URLs', () => {
    expect(
      errorOf(() => parseAlertsSection({ webhooks: [{ url: 'file:///etc/passwd' }] })).path,
    ).toBe('alerts.webhooks[0].url');
    expect(
      parseAlertsSection({ webhooks: [{ url: 'https://hooks.example/x' }] }).webhooks[0],
    ).toMatchObject({
      format: 'json',
    });
  });
});
