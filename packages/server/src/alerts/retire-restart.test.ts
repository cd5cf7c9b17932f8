import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../../test/helpers/server.js';
import { type RunningServer, startServer } from '../server.js';
import { ManualClock } from './memory.test-helper.js';
import { failedRunSpans, sendTraces } from './otlp.test-helper.js';
import { type JsonWebhookBody, type Receiver, startReceiver } from './receiver.test-helper.js';

/**
 * A rule removed from tenantry.yaml is gone once the server restarts. Its firing alerts must still
 * resolve, or the on-call channel shows them firing forever: real server, DuckDB alert store, a
 * restart over the same data dir and a real webhook receiver.
 */
const MIN = 60_000;
const T0 = Math.floor(Date.now() / MIN) * MIN;

const yamlRule = {
  id: 'yaml-failures',
  name: 'Failure rate (from tenantry.yaml)',
  kind: 'failure_rate',
  threshold: 0.05,
  min_runs: 5,
  window: '10m',
  for: '0s',
  severity: 'critical',
};

let first: TestServer | undefined;
let second: RunningServer | undefined;
let hook: Receiver | undefined;

afterAll(async () => {
  await second?.close();
  await first?.close();
  if (first) rmSync(first.dataDir, { recursive: true, force: true });
  await hook?.close();
});

describe('a rule removed from tenantry.yaml across a restart', () => {
  it('resolves its firing alerts at the first evaluation after the restart, naming the rule', async () => {
    hook = await startReceiver();
    const clock = new ManualClock(T0);
    const alerts = (rules: unknown[]) => ({
      defaults: false,
      webhooks: [{ url: hook!.url, format: 'json' }],
      rules,
    });
    first = await startTestServer({
      config: { server: { evaluateAlerts: false }, alerts: alerts([yamlRule]) },
      clock,
    });
    await sendTraces(first.url, first.ingestKey, failedRunSpans(['B', 'C'], T0));
    clock.advance(30_000);
    const fired = await first.alerting.engine.evaluateOnce();
    expect(fired.errors).toEqual([]);
    await first.alerting.notifier.idle();
    expect((hook.bodies as JsonWebhookBody[]).map((b) => `${b.tenant} ${b.state}`).sort()).toEqual([
      'B firing',
      'C firing',
    ]);
    await first.close();

    // Same data dir, the rule deleted from the configuration.
    clock.advance(60_000);
    second = await startServer({
      config: {
        server: { host: '127.0.0.1', port: 0, dataDir: first.dataDir, evaluateAlerts: false },
        alerts: alerts([]),
      },
      clock,
    });
    const report = await second.alerting.engine.evaluateOnce();
    expect(report.errors).toEqual([]);
    await second.alerting.notifier.idle();
    const resolved = (hook.bodies as JsonWebhookBody[]).slice(2);
    expect(resolved.map((b) => `${b.tenant} ${b.state}`).sort()).toEqual([
      'B resolved',
      'C resolved',
    ]);
    for (const b of resolved) {
      expect(b).toMatchObject({
        rule: {
          id: 'yaml-failures',
          name: 'Failure rate (from tenantry.yaml)',
          kind: 'failure_rate',
          severity: 'critical',
        },
        threshold: 0.05,
      });
      expect(b.summary).toContain('rule deleted');
    }
    expect(report.transitions.map((t) => `${t.tenantId} ${t.from}->${t.to}`).sort()).toEqual([
      'B firing->resolved',
      'C firing->resolved',
    ]);
    expect(
      (await second.storage.loadAlertStates()).filter((s) => s.ruleId === 'yaml-failures'),
    ).toEqual([]);

    // Nothing more on later evaluations.
    clock.advance(30_000);
    expect((await second.alerting.engine.evaluateOnce()).transitions).toEqual([]);
    await second.alerting.notifier.idle();
    expect(hook.bodies).toHaveLength(4);
  });
});
