import { afterEach, describe, expect, it } from 'vitest';
import { createAlertEngine } from './engine.js';
import { ManualClock, MemoryAlertSource, MemoryAlertStore } from './memory.test-helper.js';
import {
  type AlertNotifier,
  createWebhookNotifier,
  type WebhookNotifierOptions,
} from './notifier.js';
import type { AlertNotification } from './payload.js';
import { deadUrl, type Receiver, startReceiver } from './receiver.test-helper.js';
import { parseAlertRule } from './rules.js';
import { degraded, traffic } from './traffic.test-helper.js';

const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);
const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function receiver(): Promise<Receiver> {
  const r = await startReceiver();
  cleanup.push(() => r.close());
  return r;
}

function notifier(
  url: string,
  extra: Partial<WebhookNotifierOptions> = {},
  format: 'json' | 'slack' = 'json',
): AlertNotifier {
  const n = createWebhookNotifier({
    webhooks: [{ url, format, headers: {} }],
    backoffMs: 5,
    ...extra,
  });
  cleanup.push(() => n.close());
  return n;
}

function sample(overrides: Partial<AlertNotification> = {}): AlertNotification {
  return {
    dedupKey: 'fr|B|firing|1',
    state: 'firing',
    repeat: false,
    tenantId: 'B',
    ruleId: 'fr',
    ruleName: 'Agent run failure rate above 5%',
    ruleKind: 'failure_rate',
    severity: 'critical',
    labels: { team: 'core' },
    value: 0.12,
    threshold: 0.05,
    window: '10m',
    windowSeconds: 600,
    since: T0,
    at: T0,
    summary: 'run failure rate 12.0% (12/100 runs) over 10m, threshold 5.0%',
    dashboardUrl: 'http://dash.test/tenants/B/runs?status=error',
    exampleTraceId: 'abc',
    exampleTraceUrl: 'http://dash.test/traces/abc',
    ...overrides,
  };
}

/** An engine whose one rule fires for every tenant given degraded traffic. */
function firingEngine(n: AlertNotifier) {
  const source = new MemoryAlertSource();
  const clock = new ManualClock(T0);
  const rule = parseAlertRule({
    id: 'fr',
    name: 'fr',
    kind: 'failure_rate',
    threshold: 0.05,
    min_runs: 10,
  });
  const engine = createAlertEngine({
    source,
    store: new MemoryAlertStore(),
    notifier: n,
    clock,
    rules: () => [rule],
    dashboardUrl: 'http://dash.test',
  });
  cleanup.push(() => engine.stop());
  return { source, clock, engine };
}

describe('webhook notifier', () => {
  it('retries a receiver that is down with backoff, counts the failure and never throws', async () => {
    const n = notifier(await deadUrl(), { maxAttempts: 3 });
    const { source, engine } = firingEngine(n);
    traffic(source, ['B'], T0 - 300_000, T0, () => ({ failed: degraded }));
    const report = await engine.evaluateOnce();
    expect(report.transitions.map((t) => t.to)).toEqual(['firing']);
    await n.idle();
    const stats = n.stats();
    expect(stats).toMatchObject({ sent: 0, failed: 1, retries: 2, queued: 0, inFlight: 0 });
    expect(stats.lastError?.receiver).toMatch(/^0:127\.0\.0\.1:\d+$/);
    expect(stats.receivers[0]).toMatchObject({ failed: 1, retries: 2 });
  });

  it('delivers after a receiver recovers from 5xx answers', async () => {
    const hook = await receiver();
    hook.statusFor = (i) => (i < 2 ? 503 : 200);
    const n = notifier(hook.url);
    n.notify(sample());
    await n.idle();
    expect(n.stats()).toMatchObject({ sent: 1, retries: 2, failed: 0 });
    expect(hook.bodies).toHaveLength(3);
  });

  it('does not retry a receiver that rejects the request with a 4xx', async () => {
    const hook = await receiver();
    hook.statusFor = () => 400;
    const n = notifier(hook.url);
    n.notify(sample());
    await n.idle();
    expect(n.stats()).toMatchObject({ sent: 0, failed: 1, retries: 0 });
    expect(n.stats().lastError?.message).toBe('HTTP 400');
  });

  it('does not delay evaluation while a receiver holds the request open', async () => {
    const hook = await receiver();
    hook.hold = true;
    const n = notifier(hook.url);
    const { source, clock, engine } = firingEngine(n);
    traffic(source, ['B'], T0 - 300_000, T0, () => ({ failed: degraded }));
    await engine.evaluateOnce();
    await hook.waitFor(1);
    // The request is still unanswered, yet further evaluations complete and fire new alerts.
    traffic(source, ['C'], T0 - 300_000, T0 + 30_000, () => ({ failed: degraded }));
    clock.advance(30_000);
    const second = await engine.evaluateOnce();
    expect(second.transitions.map((t) => [t.tenantId, t.to])).toEqual([['C', 'firing']]);
    expect(n.stats().sent).toBe(0);
    expect(n.stats().inFlight).toBeGreaterThan(0);
    hook.release();
    await n.idle();
    expect(n.stats()).toMatchObject({ sent: 2, failed: 0 });
  });

  it('drops a duplicate notification of the same event', async () => {
    const hook = await receiver();
    const n = notifier(hook.url);
    n.notify(sample());
    n.notify(sample());
    n.notify(sample({ dedupKey: 'fr|B|resolved|2', state: 'resolved' }));
    await n.idle();
    expect(hook.bodies.map((b) => (b as { state: string }).state)).toEqual(['firing', 'resolved']);
    expect(n.stats().deduplicated).toBe(1);
  });

  it('bounds its queue and counts what it drops', async () => {
    const hook = await receiver();
    hook.hold = true;
    const n = notifier(hook.url, { maxQueue: 2, concurrency: 1 });
    for (let i = 0; i < 6; i++) n.notify(sample({ dedupKey: `k${i}` }));
    // One in flight, two queued, three dropped.
    expect(n.stats()).toMatchObject({ inFlight: 1, queued: 2, dropped: 3 });
    hook.release();
    await hook.waitFor(1);
    hook.hold = false;
    await n.idle();
    expect(n.stats().sent).toBe(3);
  });

  it('sends a Slack-compatible body with text, blocks and the dashboard and trace links', async () => {
    const hook = await receiver();
    const n = notifier(hook.url, {}, 'slack');
    n.notify(sample());
    await n.idle();
    const body = hook.bodies[0] as {
      text: string;
      blocks: Array<{ type: string; elements?: Array<{ url: string }> }>;
    };
    expect(body.text).toContain('[FIRING] tenant B: Agent run failure rate above 5%');
    const actions = body.blocks.find((b) => b.type === 'actions');
    expect(actions?.elements?.map((e) => e.url)).toEqual([
      'http://dash.test/tenants/B/runs?status=error',
      'http://dash.test/traces/abc',
    ]);
  });

  it('sends only the severities a receiver asks for', async () => {
    const hook = await receiver();
    const n = createWebhookNotifier({
      webhooks: [
        { url: hook.url, format: 'json', headers: { 'x-k': 'v' }, severities: ['critical'] },
      ],
    });
    cleanup.push(() => n.close());
    n.notify(sample({ dedupKey: 'a', severity: 'warning' }));
    n.notify(sample({ dedupKey: 'b', severity: 'critical' }));
    await n.idle();
    expect(hook.bodies).toHaveLength(1);
    expect((hook.bodies[0] as { rule: { severity: string } }).rule.severity).toBe('critical');
  });
});
