import { afterEach, describe, expect, it } from 'vitest';
import { type AlertEngine, createAlertEngine } from './engine.js';
import { ManualClock, MemoryAlertSource, MemoryAlertStore } from './memory.test-helper.js';
import { type AlertNotifier, createWebhookNotifier } from './notifier.js';
import { type Receiver, startReceiver } from './receiver.test-helper.js';
import { type AlertRule, defaultAlertRules, parseAlertRule } from './rules.js';
import { degraded, healthy, traffic } from './traffic.test-helper.js';

const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);
const MIN = 60_000;
const DASH = 'http://dash.test';

interface Rig {
  source: MemoryAlertSource;
  store: MemoryAlertStore;
  clock: ManualClock;
  notifier: AlertNotifier;
  engine: AlertEngine;
}

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function receiver(): Promise<Receiver> {
  const r = await startReceiver();
  cleanup.push(() => r.close());
  return r;
}

function rig(rules: AlertRule[], webhookUrl?: string, format: 'json' | 'slack' = 'json'): Rig {
  const source = new MemoryAlertSource();
  const store = new MemoryAlertStore();
  const clock = new ManualClock(T0);
  const notifier = createWebhookNotifier({
    webhooks: webhookUrl ? [{ url: webhookUrl, format, headers: {} }] : [],
    backoffMs: 5,
  });
  cleanup.push(() => notifier.close());
  const engine = createAlertEngine({
    source,
    store,
    notifier,
    clock,
    rules: () => rules,
    dashboardUrl: DASH,
  });
  cleanup.push(() => engine.stop());
  return { source, store, clock, notifier, engine };
}

const failureRule = (extra: Record<string, unknown> = {}) =>
  parseAlertRule({
    id: 'fr',
    name: 'failure rate',
    kind: 'failure_rate',
    threshold: 0.05,
    min_runs: 10,
    ...extra,
  });

describe('alert engine', () => {
  it("fires for tenant B's failure rate going from 1% to 12% after `for`, notifies once per transition, leaves others inactive, resolves", async () => {
    const hook = await receiver();
    const { source, store, clock, notifier, engine } = rig(defaultAlertRules(), hook.url);
    const tenants = ['A', 'B', 'C', 'D', 'E'];
    let bBad = false;
    const shape = (t: string) => ({ failed: t === 'B' && bBad ? degraded : healthy });
    traffic(source, tenants, T0 - 60 * MIN, T0, shape);

    const firingAt: number[] = [];
    for (let step = 0; step < 80; step++) {
      bBad = clock.ms >= T0 + 5 * MIN && clock.ms < T0 + 20 * MIN;
      traffic(source, tenants, clock.ms, clock.ms + 30_000, shape);
      clock.advance(30_000);
      const report = await engine.evaluateOnce();
      expect(report.errors).toEqual([]);
      if (report.transitions.some((t) => t.to === 'firing')) {
        firingAt.push(clock.ms);
        const alerts = await engine.listAlerts({ tenantId: null });
        expect(alerts.map((a) => [a.tenantId, a.ruleId, a.state])).toEqual([
          ['B', 'default.failure-rate', 'firing'],
        ]);
        expect(await engine.listAlerts({ tenantId: 'A' })).toEqual([]);
      }
    }
    await notifier.idle();

    const ts = store.transitions;
    expect(ts.every((t) => t.tenantId === 'B' && t.ruleId === 'default.failure-rate')).toBe(true);
    expect(ts.map((t) => `${t.from}->${t.to}`)).toEqual([
      'inactive->pending',
      'pending->firing',
      'firing->resolved',
    ]);
    const [pending, firing, resolved] = ts;
    // Fires at the first evaluation once the condition has held for `for` (1m = two 30 s steps).
    expect((firing?.at ?? 0) - (pending?.at ?? 0)).toBe(MIN);
    expect(firing?.value).toBeGreaterThan(0.05);
    expect(resolved?.at).toBeGreaterThan(T0 + 20 * MIN);
    expect(firingAt).toHaveLength(1);

    expect(hook.bodies).toHaveLength(2);
    const [fired, cleared] = hook.bodies as Array<Record<string, unknown>>;
    expect(fired).toMatchObject({
      state: 'firing',
      tenant: 'B',
      threshold: 0.05,
      window: '10m',
      repeat: false,
    });
    expect(fired?.rule).toMatchObject({ id: 'default.failure-rate', kind: 'failure_rate' });
    expect(String(fired?.dashboardUrl)).toMatch(
      /^http:\/\/dash\.test\/tenants\/B\/runs\?status=error&from=.+&to=.+/,
    );
    expect(String(fired?.exampleTraceUrl)).toMatch(/^http:\/\/dash\.test\/traces\/B-/);
    expect(cleared).toMatchObject({ state: 'resolved', tenant: 'B' });
    expect(await engine.listAlerts({ tenantId: null })).toEqual([]);
  });

  it('min_runs suppresses one failure in two runs', async () => {
    const { source, engine, store } = rig([failureRule()]);
    source.add(
      { tenantId: 'tiny', traceId: 't1', startMs: T0 - MIN, durationMs: 10, failed: true },
      { tenantId: 'tiny', traceId: 't2', startMs: T0 - MIN, durationMs: 10, failed: false },
    );
    traffic(source, ['busy'], T0 - 5 * MIN, T0, () => ({ failed: (n) => n % 5 === 0 }));
    await engine.evaluateOnce();
    expect(store.transitions.map((t) => [t.tenantId, t.to])).toEqual([['busy', 'firing']]);
  });

  it('runaway_run fires on a loop of identical tool calls, not on many different calls', async () => {
    const { source, engine } = rig(defaultAlertRules().filter((r) => r.kind === 'runaway_run'));
    const same = Array.from({ length: 12 }, () => ({
      name: 'search',
      arguments: '{"q":"refund policy"}',
    }));
    const varied = Array.from({ length: 12 }, (_, i) => ({
      name: 'search',
      arguments: `{"q":"page ${i}"}`,
    }));
    source.add(
      {
        tenantId: 'loop',
        traceId: 'loop-trace',
        startMs: T0 - MIN,
        durationMs: 9000,
        failed: false,
        tools: same,
      },
      {
        tenantId: 'busy',
        traceId: 'busy-trace',
        startMs: T0 - MIN,
        durationMs: 9000,
        failed: false,
        tools: varied,
      },
    );
    await engine.evaluateOnce();
    const alerts = await engine.listAlerts({ tenantId: null });
    expect(alerts.map((a) => [a.tenantId, a.state, a.exampleTraceId])).toEqual([
      ['loop', 'firing', 'loop-trace'],
    ]);
    expect(alerts[0]?.summary).toContain("tool 'search' called 12x");
  });

  it('applies per-tenant overrides and exclusions', async () => {
    const rule = failureRule({
      for: '0s',
      exclude_tenants: ['internal'],
      overrides: { lenient: { threshold: 0.5 } },
    });
    const { source, engine } = rig([rule]);
    traffic(source, ['strict', 'lenient', 'internal'], T0 - 5 * MIN, T0, () => ({
      failed: (n) => n % 5 === 0,
    }));
    await engine.evaluateOnce();
    const alerts = await engine.listAlerts({ tenantId: null });
    expect(alerts.map((a) => a.tenantId)).toEqual(['strict']);
  });

  it('keeps states across a restart without notifying again', async () => {
    const hook = await receiver();
    const first = rig([failureRule({ for: '0s' })], hook.url);
    traffic(first.source, ['B'], T0 - 5 * MIN, T0, () => ({ failed: degraded }));
    await first.engine.evaluateOnce();
    await first.notifier.idle();
    const engine = createAlertEngine({
      source: first.source,
      store: first.store,
      notifier: first.notifier,
      clock: first.clock,
      rules: () => [failureRule({ for: '0s' })],
      dashboardUrl: DASH,
    });
    expect((await engine.listAlerts({ tenantId: 'B' })).map((a) => a.state)).toEqual(['firing']);
    first.clock.advance(30_000);
    const report = await engine.evaluateOnce();
    expect(report.transitions).toEqual([]);
    await first.notifier.idle();
    expect(hook.bodies).toHaveLength(1);
  });

  it('re-sends a still-firing alert at the repeat interval', async () => {
    const hook = await receiver();
    const { source, store, clock, notifier } = rig([], hook.url);
    const engine = createAlertEngine({
      source,
      store,
      notifier,
      clock,
      rules: () => [failureRule({ for: '0s' })],
      dashboardUrl: DASH,
      repeatIntervalMs: 5 * MIN,
    });
    traffic(source, ['B'], T0 - 10 * MIN, T0 + 7 * MIN, () => ({ failed: degraded }));
    for (let i = 0; i <= 12; i++) {
      await engine.evaluateOnce();
      clock.advance(30_000);
    }
    await notifier.idle();
    expect(hook.bodies.map((b) => (b as { repeat: boolean }).repeat)).toEqual([false, true]);
  });

  it('keeps evaluating other rules when one query fails, and reports the error', async () => {
    const { source, engine } = rig([failureRule({ for: '0s' })]);
    source.failWith = new Error('storage unavailable');
    const report = await engine.evaluateOnce();
    expect(report.errors).toEqual([{ ruleId: 'fr', message: 'storage unavailable' }]);
  });

  it('still notifies when writing state and history to storage fails', async () => {
    const hook = await receiver();
    const { source, store, engine, notifier } = rig([failureRule({ for: '0s' })], hook.url);
    store.failWith = new Error('disk full');
    traffic(source, ['B'], T0 - 5 * MIN, T0, () => ({ failed: degraded }));
    const report = await engine.evaluateOnce();
    expect(report.errors).toEqual([{ ruleId: '(store)', message: 'disk full' }]);
    await notifier.idle();
    expect(hook.bodies).toHaveLength(1);
    expect((await engine.listAlerts({ tenantId: null })).map((a) => a.state)).toEqual(['firing']);
  });

  it('writes only changes: a steady firing alert costs no write per evaluation', async () => {
    const { source, store, clock, engine } = rig([failureRule({ for: '0s' })]);
    traffic(source, ['B'], T0 - 10 * MIN, T0 + 5 * MIN, () => ({ failed: degraded }));
    await engine.evaluateOnce();
    const writes = store.saveCalls;
    for (let i = 0; i < 5; i++) {
      clock.advance(30_000);
      await engine.evaluateOnce();
    }
    expect(store.saveCalls).toBe(writes);
    expect(store.states.get('B\u0000fr')?.state).toBe('firing');
  });

  it('evaluates latency, tool error rate and daily token budget rules per tenant', async () => {
    const rules = [
      parseAlertRule({
        id: 'p95',
        name: 'p95',
        kind: 'latency',
        quantile: 'p95',
        threshold: 5000,
        min_runs: 5,
      }),
      parseAlertRule({
        id: 'tools',
        name: 'tools',
        kind: 'tool_error_rate',
        threshold: 0.2,
        min_tool_calls: 10,
      }),
      parseAlertRule({
        id: 'budget',
        name: 'budget',
        kind: 'tokens',
        mode: 'daily',
        threshold: 1_000_000,
      }),
    ];
    const { source, engine } = rig(rules);
    // slow: runs take 9 s; flaky: half its tool calls fail; heavy: 2M tokens since midnight.
    traffic(source, ['calm', 'slow', 'flaky'], T0 - 5 * MIN, T0, (t) => ({
      tools: [
        { name: 'lookup', arguments: '{}', error: t === 'flaky' },
        { name: 'search', arguments: '{}' },
      ],
    }));
    for (let i = 0; i < 10; i++) {
      source.add({
        tenantId: 'slow',
        traceId: `slow-${i}`,
        startMs: T0 - MIN + i,
        durationMs: 9000,
        failed: false,
      });
    }
    source.add({
      tenantId: 'heavy',
      traceId: 'h1',
      startMs: Date.UTC(2026, 0, 5, 1),
      durationMs: 10,
      failed: false,
      inputTokens: 2_000_000,
    });
    source.add({
      tenantId: 'calm',
      traceId: 'y1',
      startMs: Date.UTC(2026, 0, 4, 23),
      durationMs: 10,
      failed: false,
      inputTokens: 2_000_000,
    });
    await engine.evaluateOnce();
    const alerts = await engine.listAlerts({ tenantId: null });
    expect(alerts.map((a) => `${a.ruleId} ${a.tenantId}`).sort()).toEqual([
      'budget heavy',
      'p95 slow',
      'tools flaky',
    ]);
    const budget = alerts.find((a) => a.ruleId === 'budget');
    expect(budget).toMatchObject({ value: 2_000_000, windowSeconds: 86_400 });
    expect(budget?.dashboardUrl).toContain(
      `from=${encodeURIComponent('2026-01-05T00:00:00.000Z')}`,
    );
    expect(alerts.find((a) => a.ruleId === 'tools')?.value).toBe(0.5);
  });
});
