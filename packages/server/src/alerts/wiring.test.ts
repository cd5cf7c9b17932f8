import { afterEach, describe, expect, it } from 'vitest';
import { Counter, Registry } from '../telemetry/registry.js';
import { ManualClock, MemoryAlertSource, MemoryAlertStore } from './memory.test-helper.js';
import { deadUrl, type Receiver, startReceiver } from './receiver.test-helper.js';
import { degraded, traffic } from './traffic.test-helper.js';
import { type Alerting, createAlerting } from './wiring.js';

const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);
let alerting: Alerting | null = null;
let hook: Receiver | null = null;
afterEach(async () => {
  await alerting?.close();
  await hook?.close();
});

/** Storage is one object with both faces; the memory helpers stand in for it here. */
class MemoryStorage extends MemoryAlertStore {
  readonly source = new MemoryAlertSource();
  windowStats = this.source.windowStats.bind(this.source);
  runawayRuns = this.source.runawayRuns.bind(this.source);
}

describe('createAlerting', () => {
  it('builds the engine from the alerts section and exports delivery metrics', async () => {
    hook = await startReceiver();
    const storage = new MemoryStorage();
    const registry = new Registry();
    alerting = createAlerting({
      section: {
        defaults: false,
        interval: '15s',
        webhooks: [{ url: hook.url, format: 'slack' }],
        rules: [
          { id: 'fr', name: 'failure rate', kind: 'failure_rate', threshold: 0.05, min_runs: 10 },
        ],
      },
      storage,
      clock: new ManualClock(T0),
      dashboardUrl: 'http://dash.test/',
      registry,
    });
    traffic(storage.source, ['B'], T0 - 300_000, T0, () => ({ failed: degraded }));
    const report = await alerting.engine.evaluateOnce();
    expect(report.transitions.map((t) => [t.tenantId, t.to])).toEqual([['B', 'firing']]);
    await alerting.notifier.idle();
    expect((hook.bodies[0] as { text: string }).text).toContain('tenant B');
    const metrics = registry.render();
    expect(metrics).toMatch(
      /tenantry_alert_notifications_total\{outcome="sent",receiver="0:127\.0\.0\.1:\d+"\} 1/,
    );
    expect(metrics).toContain('tenantry_alerts_firing 1');
  });

  it('applies delivery settings from the section: one attempt to a dead receiver, no retry', async () => {
    const storage = new MemoryStorage();
    const failures = new Counter('tenantry_alert_notification_failures_total', 'failures');
    alerting = createAlerting({
      section: {
        defaults: false,
        webhooks: [{ url: await deadUrl() }],
        delivery: { max_attempts: 1, timeout: '2s' },
        rules: [{ id: 'fr', name: 'fr', kind: 'failure_rate', threshold: 0.05, min_runs: 10 }],
      },
      storage,
      clock: new ManualClock(T0),
      dashboardUrl: 'http://dash.test',
      failures,
    });
    traffic(storage.source, ['B'], T0 - 300_000, T0, () => ({ failed: degraded }));
    await alerting.engine.evaluateOnce();
    await alerting.notifier.idle();
    expect(alerting.notifier.stats()).toMatchObject({ sent: 0, failed: 1, retries: 0 });
    expect(failures.render()).toMatch(
      /tenantry_alert_notification_failures_total\{receiver="0:127\.0\.0\.1:\d+"\} 1/,
    );
  });

  it('rejects an invalid section with the path of the bad field', () => {
    const storage = new MemoryStorage();
    expect(() =>
      createAlerting({
        section: { webhooks: [{ url: 'not a url' }] },
        storage,
        clock: new ManualClock(T0),
        dashboardUrl: 'http://dash.test',
      }),
    ).toThrow(/alerts\.webhooks\[0\]\.url/);
  });
});
