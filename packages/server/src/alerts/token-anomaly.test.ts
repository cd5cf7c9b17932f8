import { afterEach, describe, expect, it } from 'vitest';
import { type AlertEngine, createAlertEngine } from './engine.js';
import { ManualClock, MemoryAlertSource, MemoryAlertStore } from './memory.test-helper.js';
import { createWebhookNotifier } from './notifier.js';
import { type AlertRule, defaultAlertRules, parseAlertRule } from './rules.js';
import { traffic } from './traffic.test-helper.js';

const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);
const MIN = 60_000;

const engines: AlertEngine[] = [];
afterEach(async () => {
  for (const e of engines.splice(0)) await e.stop();
});

function rig(rules: AlertRule[]) {
  const source = new MemoryAlertSource();
  const clock = new ManualClock(T0);
  const engine = createAlertEngine({
    source,
    store: new MemoryAlertStore(),
    notifier: createWebhookNotifier({ webhooks: [] }),
    clock,
    rules: () => rules,
    dashboardUrl: 'http://dash.test',
  });
  engines.push(engine);
  return { source, clock, engine };
}

describe('token_anomaly', () => {
  it('token_anomaly fires on a 10x spike but not on 20% growth or without a baseline', async () => {
    const { source, engine } = rig(defaultAlertRules().filter((r) => r.kind === 'token_anomaly'));
    const factor: Record<string, number> = { spike: 10, growth: 1.2, steady: 1 };
    traffic(source, ['spike', 'growth', 'steady'], T0 - 60 * MIN, T0, (t) => ({
      tokens: (_n, at) => 500 * (at >= T0 - 5 * MIN ? (factor[t] ?? 1) : 1),
    }));
    traffic(source, ['newbie'], T0 - 5 * MIN, T0, () => ({ tokens: () => 50_000 }));
    const report = await engine.evaluateOnce();
    const alerts = await engine.listAlerts({ tenantId: null });
    expect(alerts.map((a) => [a.tenantId, a.state])).toEqual([['spike', 'firing']]);
    expect(alerts[0]?.value).toBeCloseTo(10, 0);
    expect(alerts[0]?.summary).toContain('baseline');
    // One query for the current window plus one per baseline window, whatever the tenant count.
    expect(report.queries).toBe(7);
  });

  it('token_anomaly ignores slow organic growth of 20% week over week', async () => {
    const { source, engine } = rig(defaultAlertRules().filter((r) => r.kind === 'token_anomaly'));
    const weekly = 1.2;
    traffic(source, ['grower'], T0 - 60 * MIN, T0, () => ({
      tokens: (_n, at) => 500 * weekly ** ((at - (T0 - 60 * MIN)) / (7 * 24 * 60 * MIN)),
    }));
    await engine.evaluateOnce();
    expect(await engine.listAlerts({ tenantId: null })).toEqual([]);
  });

  it('queries settled baseline windows once per TTL, and late-arriving history still counts after it', async () => {
    const { source, clock, engine } = rig(
      defaultAlertRules().filter((r) => r.kind === 'token_anomaly'),
    );
    expect((await engine.evaluateOnce()).queries).toBe(7);
    // A backfill lands after the first evaluation: 60 minutes of history, then a 10x spike.
    traffic(source, ['late'], T0 - 60 * MIN, T0 + 10 * MIN, () => ({
      tokens: (_n, at) => (at >= T0 + 5 * MIN ? 5000 : 500),
    }));
    clock.advance(30_000);
    // Only the current window is queried; the cached (empty) baseline means no verdict yet.
    expect((await engine.evaluateOnce()).queries).toBe(1);
    expect(await engine.listAlerts({ tenantId: null })).toEqual([]);
    clock.ms = T0 + 10 * MIN;
    await engine.evaluateOnce();
    expect((await engine.listAlerts({ tenantId: null })).map((a) => [a.tenantId, a.state])).toEqual(
      [['late', 'firing']],
    );
  });

  it('token_anomaly with a same-time-daily baseline ignores a daily peak but fires on a spike above it', async () => {
    const rule = parseAlertRule({
      id: 'daily',
      name: 'daily anomaly',
      kind: 'token_anomaly',
      threshold: 5,
      window: '30m',
      baseline: 'same_time_daily',
      baseline_windows: 7,
    });
    const recent = parseAlertRule({ ...rule, id: 'recent', baseline: 'recent' });
    const { source, engine } = rig([rule, recent]);
    // Noon (T0 is 12:00 UTC) is ten times busier than the rest of the day, every day.
    const peak = (at: number) => {
      const hour = new Date(at).getUTCHours();
      return hour === 11 || hour === 12;
    };
    traffic(
      source,
      ['office', 'spiky'],
      T0 - 7 * 24 * 60 * MIN,
      T0,
      (t) => ({
        tokens: (_n, at) =>
          (peak(at) ? 5000 : 500) * (t === 'spiky' && at >= T0 - 30 * MIN ? 10 : 1),
      }),
      60_000,
    );
    await engine.evaluateOnce();
    const alerts = await engine.listAlerts({ tenantId: null });
    // The recent baseline sees the daily peak as an anomaly for both; the daily one only the spike.
    expect(alerts.map((a) => `${a.ruleId} ${a.tenantId}`).sort()).toEqual([
      'daily spiky',
      'recent office',
      'recent spiky',
    ]);
  });
});
