import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../../test/helpers/server.js';
import type { AlertHistoryResponse, AlertsResponse } from '../query/contract.js';
import { ManualClock } from './memory.test-helper.js';
import { failedRunSpans, sendTraces } from './otlp.test-helper.js';
import { type JsonWebhookBody, type Receiver, startReceiver } from './receiver.test-helper.js';

/**
 * Rules removed while their alerts fire, through the real server: admin API, DuckDB alert store,
 * the server's own engine (its timer off, the test drives time) and a real webhook receiver.
 */
const MIN = 60_000;
const T0 = Math.floor(Date.now() / MIN) * MIN;
const clock = new ManualClock(T0);
let server: TestServer;
let hook: Receiver;

/** B and C fire at once; D has `for: 10m`, so it is still pending when the rule goes. */
const rule = (name: string) => ({
  name,
  kind: 'failure_rate',
  threshold: 0.05,
  min_runs: 5,
  window: '10m',
  for: '0s',
  overrides: { D: { for: '10m' } },
});

/** Creates or replaces a rule through the admin API, then lets 30 s pass before the next evaluation. */
async function change(id: string, body: unknown): Promise<void> {
  const res = await server.api(`/api/v1/alert-rules/${id}`, server.adminKey, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  clock.advance(30_000);
}

/** Evaluates, waits for `expected` notifications about `ruleId`, and returns them. */
async function evaluate(ruleId: string, expected: number) {
  const report = await server.alerting.engine.evaluateOnce();
  expect(report.errors).toEqual([]);
  await server.alerting.notifier.idle();
  const bodies = (hook.bodies as JsonWebhookBody[]).filter((b) => b.rule.id === ruleId);
  expect(bodies).toHaveLength(expected);
  const mine = report.transitions.filter((t) => t.ruleId === ruleId);
  return { bodies, transitions: mine.map((t) => `${t.tenantId} ${t.from}->${t.to}`).sort() };
}

async function statesOf(ruleId: string) {
  return (await server.storage.loadAlertStates()).filter((s) => s.ruleId === ruleId);
}

beforeAll(async () => {
  hook = await startReceiver();
  server = await startTestServer({
    config: {
      server: { evaluateAlerts: false },
      alerts: { defaults: false, webhooks: [{ url: hook.url, format: 'json' }] },
    },
    clock,
  });
  await sendTraces(server.url, server.ingestKey, failedRunSpans(['B', 'C', 'D'], T0));
}, 60_000);

afterAll(async () => {
  await server?.stop();
  await hook?.close();
});

describe('retiring the alerts of a removed rule', () => {
  it('sends a resolved notification for every firing tenant when its rule is deleted', async () => {
    await change('deleted-rule', rule('Failure rate (deleted)'));
    const fired = await evaluate('deleted-rule', 2);
    expect(fired.transitions).toEqual([
      'B inactive->firing',
      'C inactive->firing',
      'D inactive->pending',
    ]);

    const del = await server.api('/api/v1/alert-rules/deleted-rule', server.adminKey, {
      method: 'DELETE',
    });
    expect(del.status).toBe(200);
    clock.advance(30_000);
    const after = await evaluate('deleted-rule', 4);
    // Firing alerts resolve; the pending one ends silently, both recorded.
    expect(after.transitions).toEqual([
      'B firing->resolved',
      'C firing->resolved',
      'D pending->inactive',
    ]);
    const resolved = after.bodies.slice(2);
    expect(resolved.map((b) => `${b.tenant} ${b.state}`).sort()).toEqual([
      'B resolved',
      'C resolved',
    ]);
    // Same payload as a normal resolve (the rule as it was), the reason in the summary.
    for (const b of resolved) {
      expect(b).toMatchObject({ rule: { name: 'Failure rate (deleted)' }, threshold: 0.05 });
      expect(b.summary).toContain('rule deleted');
    }

    const history = await server.api<AlertHistoryResponse>('/api/v1/alerts/history?limit=1000');
    const resolves = history.body.items.filter(
      (t) => t.ruleId === 'deleted-rule' && t.to === 'resolved',
    );
    expect(resolves.map((t) => `${t.tenantId} ${t.from}`).sort()).toEqual(['B firing', 'C firing']);
    expect(await statesOf('deleted-rule')).toEqual([]);
    const alerts = await server.api<AlertsResponse>('/api/v1/alerts');
    expect(alerts.body.items.filter((a) => a.ruleId === 'deleted-rule')).toEqual([]);

    // Nothing more on later evaluations.
    clock.advance(30_000);
    expect((await evaluate('deleted-rule', 4)).transitions).toEqual([]);
  });

  it('resolves firing alerts the same way when their rule is disabled', async () => {
    await change('disabled-rule', rule('Failure rate (disabled)'));
    await evaluate('disabled-rule', 2);

    await change('disabled-rule', { ...rule('Failure rate (disabled)'), enabled: false });
    const after = await evaluate('disabled-rule', 4);
    expect(after.transitions).toEqual([
      'B firing->resolved',
      'C firing->resolved',
      'D pending->inactive',
    ]);
    for (const b of after.bodies.slice(2)) expect(b.summary).toContain('rule disabled');
    expect(await statesOf('disabled-rule')).toEqual([]);
  });

  it('stores an edited rule with alerts whose state does not change, so a removal while down names it as edited', async () => {
    await change('renamed-rule', rule('Failure rate (before)'));
    await evaluate('renamed-rule', 2);
    const names = async () =>
      (await statesOf('renamed-rule'))
        .map((s) => `${s.tenantId} ${s.state} ${JSON.parse(s.ruleSnapshot ?? '{}').name}`)
        .sort();
    expect(await names()).toEqual([
      'B firing Failure rate (before)',
      'C firing Failure rate (before)',
      'D pending Failure rate (before)',
    ]);

    await change('renamed-rule', rule('Failure rate (after)'));
    expect((await evaluate('renamed-rule', 2)).transitions).toEqual([]);
    expect(await names()).toEqual([
      'B firing Failure rate (after)',
      'C firing Failure rate (after)',
      'D pending Failure rate (after)',
    ]);
  });

  it('keeps the alerts of an updated rule and resolves them by evaluation under the new definition', async () => {
    await change('updated-rule', rule('Failure rate (updated)'));
    await evaluate('updated-rule', 2);

    // A threshold the failing tenants still cross: they keep firing, nothing is sent.
    await change('updated-rule', { ...rule('Failure rate (updated)'), threshold: 0.5 });
    expect((await evaluate('updated-rule', 2)).transitions).toEqual([]);

    // A threshold above their value (100% failed): an ordinary resolve, states kept as resolved.
    await change('updated-rule', { ...rule('Failure rate (updated)'), threshold: 1 });
    const after = await evaluate('updated-rule', 4);
    expect(after.transitions).toEqual([
      'B firing->resolved',
      'C firing->resolved',
      'D pending->inactive',
    ]);
    for (const b of after.bodies.slice(2)) {
      expect(b).toMatchObject({ state: 'resolved', threshold: 1 });
      expect(b.summary).not.toContain('rule ');
    }
    expect((await statesOf('updated-rule')).map((s) => `${s.tenantId} ${s.state}`).sort()).toEqual([
      'B resolved',
      'C resolved',
      'D inactive',
    ]);
  });
});
