import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  exportSpans,
  recordRun,
  recordSpans,
  traceExporter,
} from '../../../../test/helpers/otlp.js';
import { startTestServer, type TestServer } from '../../../../test/helpers/server.js';

describe('self-observability', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ alerts: false });
  });
  afterAll(() => server.stop());

  it('answers /healthz and /readyz without a key', async () => {
    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it('exposes ingest counts by tenant, queue depth, journal and commit latency in Prometheus text', async () => {
    const spans = await recordSpans((t) =>
      recordRun(t, { tenantId: 'self-obs', tools: [{ name: 'x' }] }),
    );
    await exportSpans(traceExporter(server.url, server.ingestKey), spans);
    // A read commits what the journal acknowledged (the read barrier).
    expect((await server.api('/api/v1/tenants?q=self-obs')).status).toBe(200);
    const res = await fetch(`${server.url}/metrics`, {
      headers: { authorization: `Bearer ${server.adminKey}` },
    });
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toContain('tenantry_ingested_items_total{signal="traces",tenant="self-obs"} 3');
    expect(text).toContain('# TYPE tenantry_write_queue_items gauge');
    expect(text).toMatch(/tenantry_journal_sync_duration_seconds_count [1-9]/);
    expect(text).toMatch(/tenantry_commit_duration_seconds_count [1-9]/);
    expect(text).toMatch(/tenantry_otlp_requests_total\{signal="traces",status="200"\} [1-9]/);
  });

  it('answers unknown API routes with a coded 404 and keeps keys out of every response', async () => {
    const res = await server.api<{ error: { code: string } }>('/api/v1/nope');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('TENANTRY_E_NOT_FOUND');
    const keys = await server.api<{ items: Array<Record<string, unknown>> }>('/api/v1/keys');
    expect(JSON.stringify(keys.body)).not.toContain(server.adminKey);
    expect(keys.body.items.every((k) => !('hash' in k))).toBe(true);
  });

  // npm test builds the dashboard before the suite runs.
  it('serves the dashboard for deep links so alert URLs open the app', async () => {
    const res = await fetch(`${server.url}/tenants/acme/runs?status=error`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<div id="root">');
  });

  it('sends the dashboard with a content security policy and no framing, API answers uncached', async () => {
    const page = await fetch(`${server.url}/tenants/acme`);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    const api = await fetch(`${server.url}/api/v1/tenants`, {
      headers: { authorization: `Bearer ${server.adminKey}` },
    });
    expect(api.headers.get('cache-control')).toBe('no-store');
    expect(api.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('lists tenants in /metrics only to an admin or an unbound read key', async () => {
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    const bound = await server.createKey('read', 'acme');
    const asBound = await fetch(`${server.url}/metrics`, {
      headers: { authorization: `Bearer ${bound}` },
    });
    expect(asBound.status).toBe(403);
    const platformRead = await server.createKey('read');
    const asRead = await fetch(`${server.url}/metrics`, {
      headers: { authorization: `Bearer ${platformRead}` },
    });
    expect(asRead.status).toBe(200);
  });
});

describe('metrics listener of its own (server.metricsListen)', () => {
  it('serves /metrics there without a key, and only /metrics', async () => {
    const server = await startTestServer({
      alerts: false,
      config: { server: { metricsListen: '127.0.0.1:0' } },
    });
    try {
      expect(server.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const res = await fetch(`${server.metricsUrl}/metrics`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('# TYPE tenantry_write_queue_items gauge');
      expect((await fetch(`${server.metricsUrl}/api/v1/tenants`)).status).toBe(404);
    } finally {
      await server.stop();
    }
  });
});
