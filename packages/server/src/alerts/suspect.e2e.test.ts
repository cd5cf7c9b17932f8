import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { context, type Tracer, trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  exportSpans,
  recordSpans,
  SpanStatusCode,
  traceExporter,
} from '../../../../test/helpers/otlp.js';
import type { AlertsResponse } from '../query/contract.js';
import { type RunningServer, startServer } from '../server.js';
import { ManualClock } from './memory.test-helper.js';
import { type Receiver, startReceiver } from './receiver.test-helper.js';
import type { AlertSuspect } from './suspect.js';

/**
 * "The alert names the suspect": tenant B deploys support-platform 1.8.0, whose get_account_data
 * tool fails with StaleCacheError; the failure-rate alert's JSON and Slack bodies name the tool,
 * the error type and the version, with a failing and a passing run, once per transition.
 */
const MIN = 60_000;
const T0 = Math.floor(Date.now() / MIN) * MIN;
const clock = new ManualClock(T0);
let server: RunningServer;
let dir: string;
let json: Receiver;
let slack: Receiver;
/** The first start's admin key (a restart of the data dir prints none). */
let adminKey = '';

function run(tracer: Tracer, startMs: number, stale: boolean) {
  const root = tracer.startSpan('invoke_agent support', {
    startTime: startMs,
    attributes: { 'tenant.id': 'B', 'gen_ai.operation.name': 'invoke_agent' },
  });
  const tool = tracer.startSpan(
    'execute_tool get_account_data',
    {
      startTime: startMs + 2,
      attributes: {
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': 'get_account_data',
      },
    },
    trace.setSpan(context.active(), root),
  );
  if (stale) {
    tool.setStatus({ code: SpanStatusCode.ERROR, message: 'cached account is 48h old' });
    tool.setAttribute('error.type', 'StaleCacheError');
    root.setStatus({ code: SpanStatusCode.ERROR, message: 'answer failed validation' });
  }
  tool.end(startMs + 5);
  root.end(startMs + 50);
}

function start(): Promise<RunningServer> {
  return startServer({
    config: {
      server: { port: 0, dataDir: dir, evaluateAlerts: false },
      alerts: {
        defaults: false,
        webhooks: [
          { url: json.url, format: 'json' },
          { url: slack.url, format: 'slack' },
        ],
        rules: [
          {
            id: 'failure-rate',
            name: 'Run failure rate',
            kind: 'failure_rate',
            threshold: 0.3,
            window: '10m',
            min_runs: 5,
            for: '0s',
          },
        ],
      },
    },
    clock,
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tenantry-suspect-'));
  json = await startReceiver();
  slack = await startReceiver();
  server = await start();
  adminKey = server.bootstrapKeys?.admin ?? '';
  const resource = (version: string) => ({
    'service.name': 'support-platform',
    'service.version': version,
  });
  const before = await recordSpans((t) => {
    for (let m = 50; m >= 16; m -= 2) run(t, T0 - m * MIN, false);
  }, resource('1.7.0'));
  const after = await recordSpans((t) => {
    run(t, T0 - 15 * MIN, false);
    for (let m = 13; m >= 1; m--) run(t, T0 - m * MIN, true);
  }, resource('1.8.0'));
  const key = server.bootstrapKeys?.ingest ?? '';
  expect((await exportSpans(traceExporter(server.url, key), [...before, ...after])).code).toBe(0);
}, 60_000);

afterAll(async () => {
  await server?.close();
  await json?.close();
  await slack?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('firing notifications name the suspect', () => {
  it('carry the failing tool, the error type and the new version, with a failing and a passing run', async () => {
    const report = await server.alerting.engine.evaluateOnce();
    expect(report.transitions.map((t) => `${t.tenantId} ${t.to}`)).toEqual(['B firing']);
    await json.waitFor(1);
    await slack.waitFor(1);
    await server.alerting.notifier.idle();
    const body = json.bodies[0] as { suspect: AlertSuspect };
    expect(body.suspect.summary).toMatch(
      /^tool get_account_data failed with StaleCacheError in 13 of 13 failed runs and 0 of 19 passing; since support-platform 1\.8\.0 \(failure rate 0% → 100% from \d\d:\d\d, 2 min after it first appeared\)$/,
    );
    expect(body.suspect.findings.slice(0, 2)).toEqual([
      { field: 'error.type', value: 'StaleCacheError', failingRuns: 13, passingRuns: 0 },
      { field: 'failed.tool', value: 'get_account_data', failingRuns: 13, passingRuns: 0 },
    ]);
    expect(body.suspect.change).toEqual({
      field: 'service.version',
      value: '1.8.0',
      firstSeen: new Date(T0 - 15 * MIN).toISOString(),
    });
    expect(body.suspect.failingTraceUrl).toBe(
      `${server.url}/traces/${body.suspect.failingTraceId}?tenant=B`,
    );
    expect(body.suspect.passingTraceId).toMatch(/^[0-9a-f]{32}$/);
    expect(body.suspect.passingTraceId).not.toBe(body.suspect.failingTraceId);

    const s = slack.bodies[0] as { text: string; blocks: Array<{ text?: { text: string } }> };
    expect(s.text).toContain('Suspect: tool get_account_data failed with StaleCacheError');
    expect(JSON.stringify(s.blocks)).toContain('support-platform 1.8.0');
  });

  it('computes it once per transition: the next evaluations send nothing new', async () => {
    clock.advance(30_000);
    const next = await server.alerting.engine.evaluateOnce();
    expect(next.transitions).toEqual([]);
    expect(next.notifications).toBe(0);
    await server.alerting.notifier.idle();
    expect(json.bodies).toHaveLength(1);
  });
});

describe('the alerts API shows the suspect the notification carried', () => {
  const firing = async () => {
    const res = await fetch(`${server.url}/api/v1/alerts?tenant=B`, {
      headers: { authorization: `Bearer ${adminKey}` },
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as AlertsResponse).items.filter((a) => a.state === 'firing');
  };

  it('on the firing alert, the same suspect, also after a restart, without computing it again', async () => {
    const sent = (json.bodies[0] as { suspect: AlertSuspect }).suspect;
    expect(sent.summary).toMatch(/^tool get_account_data failed with StaleCacheError/);
    const [alert] = await firing();
    expect(alert?.suspect).toEqual(sent);
    await server.close();
    server = await start();
    // Stored with the state: listed before any evaluation, and none sends it again.
    expect((await firing())[0]?.suspect).toEqual(sent);
    clock.advance(30_000);
    expect((await server.alerting.engine.evaluateOnce()).notifications).toBe(0);
    expect((await firing())[0]?.suspect).toEqual(sent);
  });
});
