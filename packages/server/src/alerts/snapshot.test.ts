import { describe, expect, it } from 'vitest';
import { defaultAlertRules, parseAlertRule, ruleForTenant } from './rules.js';
import { ruleFromSnapshot, snapshotOfRule } from './snapshot.js';

describe('alert rule snapshots', () => {
  it('read back every default rule, and a tenant override, exactly as they were applied', () => {
    const rules = defaultAlertRules();
    const overridden = parseAlertRule({
      id: 'slow',
      name: 'Slow runs',
      kind: 'latency',
      quantile: 'p95',
      threshold: 5000,
      window: '10m',
      overrides: { acme: { threshold: 9000, severity: 'warning' } },
    });
    const applied = [...rules, overridden, ruleForTenant(overridden, 'acme')!];
    for (const rule of applied) expect(ruleFromSnapshot(snapshotOfRule(rule))).toEqual(rule);
  });

  it('yields no rule for a missing, malformed or unknown-kind snapshot, so the state is skipped', () => {
    expect(ruleFromSnapshot(null)).toBeNull();
    expect(ruleFromSnapshot('{not json')).toBeNull();
    expect(
      ruleFromSnapshot(JSON.stringify({ id: 'x', name: 'x', kind: 'from_the_future' })),
    ).toBeNull();
  });
});
