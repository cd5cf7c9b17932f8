import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey } from '../auth/keys.js';
import type { AlertHistoryResponse, AlertsResponse } from '../query/contract.js';
import { type RunningServer, startServer } from '../server.js';
import { type AlertEngine, createAlertEngine } from './engine.js';
import { ManualClock, MemoryAlertSource } from './memory.test-helper.js';
import { createWebhookNotifier } from './notifier.js';
import { type AlertRouteDeps, alertRoutes } from './routes.js';
import { createRuleSet } from './rule-set.js';
import { defaultAlertRules } from './rules.js';
import { degraded, healthy, traffic } from './traffic.test-helper.js';

const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);

/** The routes inside the real server (auth hook, error mapping, DuckDB alert store). */
let server: RunningServer;
let engine: AlertEngine;
let dir: string;
let admin: string;
let readB: string;
let readA: string;
let ingest: string;

async function call(method: string, path: string, key: string, body?: unknown) {
  const res = await fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  return { status: res.status, body: json };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tenantry-alert-routes-'));
  const clock = new ManualClock(T0);
  const source = new MemoryAlertSource();
  traffic(source, ['A', 'B'], T0 - 10 * 60_000, T0, (t) => ({
    failed: t === 'B' ? degraded : healthy,
  }));
  // The routes need the server's storage, which exists only once the server starts.
  const deps = {} as AlertRouteDeps;
  server = await startServer({
    config: { server: { port: 0, dataDir: dir } },
    clock,
    alerts: false,
    api: [async (app) => alertRoutes(app, deps)],
  });
  const store = server.storage;
  const ruleSet = createRuleSet(defaultAlertRules(), store);
  const notifier = createWebhookNotifier({ webhooks: [] });
  engine = createAlertEngine({
    source,
    store,
    notifier,
    clock,
    rules: () => ruleSet.rules(),
    dashboardUrl: server.url,
    intervalMs: 30_000,
  });
  Object.assign(deps, { engine, store, ruleSet, notifier });
  admin = server.bootstrapKeys?.admin ?? '';
  ingest = server.bootstrapKeys?.ingest ?? '';
  readB = (await createKey(store, { kind: 'read', tenantId: 'B' })).secret;
  readA = (await createKey(store, { kind: 'read', tenantId: 'A' })).secret;
  // for: 1m, so two evaluations a minute apart take B from pending to firing.
  await engine.evaluateOnce();
  clock.advance(60_000);
  traffic(source, ['A', 'B'], T0, T0 + 60_000, (t) => ({ failed: t === 'B' ? degraded : healthy }));
  await engine.evaluateOnce();
});

afterAll(async () => {
  await engine?.stop();
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('alert routes', () => {
  it("lists firing alerts, and a tenant-bound key sees only its tenant's", async () => {
    const all = await call('GET', '/alerts', admin);
    expect(all.status).toBe(200);
    const items = (all.body as unknown as AlertsResponse).items;
    expect(items.map((a) => [a.tenantId, a.ruleId, a.state])).toEqual([
      ['B', 'default.failure-rate', 'firing'],
    ]);
    expect(items[0]?.dashboardUrl).toContain('/tenants/B/runs?status=error');

    expect(
      ((await call('GET', '/alerts', readB)).body as unknown as AlertsResponse).items,
    ).toHaveLength(1);
    expect(((await call('GET', '/alerts', readA)).body as unknown as AlertsResponse).items).toEqual(
      [],
    );
    expect((await call('GET', '/alerts?tenant=B', readA)).status).toBe(404);
    expect((await call('GET', '/alerts', ingest)).status).toBe(403);
  });

  it('pages the transition history, scoped to the tenant', async () => {
    const first = await call('GET', '/alerts/history?limit=1', admin);
    expect(first.status).toBe(200);
    const page = first.body as unknown as AlertHistoryResponse;
    expect(page.items).toHaveLength(1);
    expect(page.nextCursor).not.toBeNull();
    const rest = await call(
      'GET',
      `/alerts/history?limit=10&cursor=${encodeURIComponent(page.nextCursor ?? '')}`,
      admin,
    );
    const all = [...page.items, ...(rest.body as unknown as AlertHistoryResponse).items];
    expect(all.map((t) => `${t.from}->${t.to}`).sort()).toEqual([
      'inactive->pending',
      'pending->firing',
    ]);
    const forA = (await call('GET', '/alerts/history', readA))
      .body as unknown as AlertHistoryResponse;
    expect(forA.items).toEqual([]);
    expect((await call('GET', '/alerts/history?from=yesterday', admin)).body).toMatchObject({
      error: { code: 'TENANTRY_E_INVALID_REQUEST' },
    });
  });

  it('manages rules for admins and rejects an invalid rule with the bad field path', async () => {
    const rule = {
      name: 'p95 over 5 s',
      kind: 'latency',
      quantile: 'p95',
      threshold: 5000,
      window: '15m',
    };
    const put = await call('PUT', '/alert-rules/slow-runs', admin, rule);
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ source: 'api', rule: { id: 'slow-runs', min_runs: 0 } });
    const listed = await call('GET', '/alert-rules', admin);
    const ids = (listed.body.items as Array<{ rule: { id: string } }>).map((e) => e.rule.id);
    expect(ids).toEqual([
      'default.failure-rate',
      'default.negative-feedback',
      'default.runaway-run',
      'default.token-anomaly',
      'slow-runs',
    ]);

    const bad = await call('PUT', '/alert-rules/slow-runs', admin, { ...rule, quantile: 'p90' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { code: 'TENANTRY_E_INVALID_RULE' } });
    expect(String((bad.body.error as { message: string }).message)).toContain('quantile');

    expect((await call('PUT', '/alert-rules/x', readB, rule)).status).toBe(403);
    expect((await call('DELETE', '/alert-rules/slow-runs', admin)).status).toBe(200);
    expect((await call('GET', '/alert-rules/slow-runs', admin)).status).toBe(404);
    expect((await call('DELETE', '/alert-rules/default.failure-rate', admin)).status).toBe(400);
  });

  it('reports notification delivery stats to platform keys only', async () => {
    const stats = await call('GET', '/alerts/notifications', admin);
    expect(stats.status).toBe(200);
    expect(stats.body).toMatchObject({
      notifier: { sent: 0, failed: 0 },
      lastEvaluation: { firing: 1 },
    });
    expect((await call('GET', '/alerts/notifications', readB)).status).toBe(403);
  });
});
