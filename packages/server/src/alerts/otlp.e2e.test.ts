import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../server.js';
import type { AlertEngine } from './engine.js';
import { ManualClock } from './memory.test-helper.js';
import type { AlertNotifier } from './notifier.js';
import { type OtlpRun, runSpans, sendTraces } from './otlp.test-helper.js';
import { type Receiver, startReceiver } from './receiver.test-helper.js';

/**
 * The whole path: runs exported over OTLP/HTTP into the real server and its DuckDB storage, the
 * server's alerting (wired from tenantry.yaml's `alerts:`) evaluating the storage's own
 * aggregates, a real webhook receiver.
 */
const MIN = 60_000;
const T0 = Math.floor(Date.now() / MIN) * MIN;
let server: RunningServer;
let dir: string;
let hook: Receiver;
let notifier: AlertNotifier;
let engine: AlertEngine;
const clock = new ManualClock(T0);
const failedTraces = new Set<string>();
let loopTrace = '';

async function send(runs: OtlpRun[]): Promise<void> {
  const built = runs.flatMap((r) => {
    const built = runSpans(r);
    if (r.failed) failedTraces.add(built.traceId);
    if (r.tools?.length === 12) loopTrace = built.traceId;
    return built.spans;
  });
  // Children are exported before their roots, as a BatchSpanProcessor does: guide-shaped runs
  // (tenant on the root only) wait for their roots in later requests.
  const spans = [
    ...built.filter((s) => s.parentSpanId !== ''),
    ...built.filter((s) => s.parentSpanId === ''),
  ];
  for (let i = 0; i < spans.length; i += 2000)
    await sendTraces(server.url, server.bootstrapKeys?.ingest ?? '', spans.slice(i, i + 2000));
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tenantry-alert-e2e-'));
  hook = await startReceiver();
  // The server's own alerting, built from its config; its timer is off so the test drives time.
  server = await startServer({
    config: {
      server: { port: 0, dataDir: dir, evaluateAlerts: false },
      alerts: { webhooks: [{ url: hook.url, format: 'json' }] },
    },
    clock,
  });
  notifier = server.alerting.notifier;
  engine = server.alerting.engine;
  // 40 minutes of history for A, B, C: a run every 20 s each, B failing 12% in the last 10 minutes.
  // B and L are instrumented as the guide shows (tenant.id on an agent.run root only), A and C with
  // the SDK's shape: alerts read runs from any root and children get their trace's tenant.
  const runs: OtlpRun[] = [];
  let n = 0;
  for (let t = T0 - 40 * MIN; t < T0; t += 20_000) {
    for (const tenantId of ['A', 'B', 'C']) {
      n++;
      const bad = tenantId === 'B' && t >= T0 - 10 * MIN;
      runs.push({
        tenantId,
        shape: tenantId === 'B' ? 'guide' : 'sdk',
        startMs: t,
        failed: bad ? n % 8 === 0 : false,
        tools: [{ name: 'lookup', arguments: `{"n":${n}}` }],
      });
    }
  }
  // Tenant L: one run that loops on the same tool call.
  runs.push({
    tenantId: 'L',
    shape: 'guide',
    startMs: T0 - 2 * MIN,
    tools: Array.from({ length: 12 }, () => ({
      name: 'search',
      arguments: '{"q":"refund policy"}',
    })),
  });
  await send(runs);
}, 120_000);

afterAll(async () => {
  await server?.close();
  await hook?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('alerts over OTLP-ingested data', () => {
  it("fires B's failure rate after `for` and L's runaway loop, with links to failing traces", async () => {
    const first = await engine.evaluateOnce();
    expect(first.errors).toEqual([]);
    expect(first.transitions.map((t) => `${t.tenantId} ${t.ruleId} ${t.to}`).sort()).toEqual([
      'B default.failure-rate pending',
      'L default.runaway-run firing',
    ]);
    clock.advance(30_000);
    expect((await engine.evaluateOnce()).transitions).toEqual([]);
    clock.advance(30_000);
    const third = await engine.evaluateOnce();
    expect(third.transitions.map((t) => `${t.tenantId} ${t.to}`)).toEqual(['B firing']);

    await hook.waitFor(2);
    await notifier.idle();
    const bodies = hook.bodies as Array<{
      tenant: string;
      state: string;
      exampleTraceId: string;
      dashboardUrl: string;
      exampleTraceUrl: string;
    }>;
    expect(bodies.map((b) => `${b.tenant} ${b.state}`).sort()).toEqual(['B firing', 'L firing']);
    const b = bodies.find((x) => x.tenant === 'B');
    expect(failedTraces.has(b?.exampleTraceId ?? '')).toBe(true);
    expect(b?.dashboardUrl).toContain(`${server.url}/tenants/B/runs?status=error`);
    expect(b?.exampleTraceUrl).toBe(`${server.url}/traces/${b?.exampleTraceId}`);
    expect(bodies.find((x) => x.tenant === 'L')?.exampleTraceId).toBe(loopTrace);

    const alerts = await engine.listAlerts({ tenantId: null });
    expect(alerts.map((a) => `${a.tenantId} ${a.state}`)).toEqual(['B firing', 'L firing']);
  });
});
