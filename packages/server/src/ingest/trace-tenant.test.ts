import { context, type Tracer, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { agentRun, init, toolCall } from '@tenantry/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import {
  exportSpans,
  recordGuideRun as guideRun,
  isRootSpan,
  recordSpans,
  traceExporter,
} from '../../../../test/helpers/otlp.js';
import { startTestServer, type TestServer } from '../../../../test/helpers/server.js';

const isRoot = isRootSpan;

const traceCtx = (_t: Tracer, span: ReturnType<Tracer['startSpan']>) =>
  trace.setSpan(context.active(), span);

interface TenantRow {
  tenantId: string;
  spans: number;
  runs: number;
  failedRuns: number;
  llmCalls: number;
  inputTokens: number;
  outputTokens: number;
  toolCalls: number;
  toolErrors: number;
}

async function tenants(server: TestServer): Promise<Map<string, TenantRow>> {
  const res = await server.api<{ items: TenantRow[] }>('/api/v1/tenants');
  expect(res.status).toBe(200);
  return new Map(res.body.items.map((t) => [t.tenantId, t]));
}

let server: TestServer | null = null;
afterEach(async () => {
  await server?.stop();
  server = null;
});

describe('trace-level tenant', () => {
  it('gives children exported before their root, in an earlier request, the root tenant', async () => {
    server = await startTestServer();
    const spans = await recordSpans((t) => {
      guideRun(t, 'acme', true);
      guideRun(t, 'globex', false);
    });
    const exporter = traceExporter(server.url, server.ingestKey);
    expect(
      (
        await exportSpans(
          exporter,
          spans.filter((s) => !isRoot(s)),
        )
      ).code,
    ).toBe(0);
    expect((await exportSpans(exporter, spans.filter(isRoot))).code).toBe(0);

    const byTenant = await tenants(server);
    expect(byTenant.get('_unassigned')).toBeUndefined();
    expect(byTenant.get('acme')).toMatchObject({
      spans: 3,
      runs: 1,
      llmCalls: 1,
      inputTokens: 120,
      outputTokens: 30,
      toolCalls: 1,
      toolErrors: 1,
    });
    expect(byTenant.get('globex')).toMatchObject({ spans: 3, runs: 1, toolErrors: 0 });
  });

  it('gives children that arrive after their root the tenant the root stated', async () => {
    server = await startTestServer();
    const spans = await recordSpans((t) => guideRun(t, 'acme', false));
    const exporter = traceExporter(server.url, server.ingestKey, 'json');
    await exportSpans(exporter, spans.filter(isRoot));
    await exportSpans(
      exporter,
      spans.filter((s) => !isRoot(s)),
    );
    expect((await tenants(server)).get('acme')).toMatchObject({ spans: 3, runs: 1, llmCalls: 1 });
  });

  it('counts a child resent while it waits for its trace tenant once', async () => {
    server = await startTestServer();
    const spans = await recordSpans((t) => guideRun(t, 'acme', false));
    const exporter = traceExporter(server.url, server.ingestKey);
    const children = spans.filter((s) => !isRoot(s));
    await exportSpans(exporter, children);
    await exportSpans(exporter, children);
    await exportSpans(exporter, spans.filter(isRoot));
    await exportSpans(exporter, children);
    expect((await tenants(server)).get('acme')).toMatchObject({ spans: 3, inputTokens: 120 });
  });

  it('stores a trace whose tenant never arrives as _unassigned once the window ends', async () => {
    server = await startTestServer({
      config: { ingest: { traceTenantWindowSeconds: 1, settleIntervalSeconds: 600 } },
    });
    const spans = await recordSpans((t) => guideRun(t, null, false));
    await exportSpans(traceExporter(server.url, server.ingestKey), spans);
    expect(await server.storage.parkedSpans()).toMatchObject({ count: 3 });
    expect((await tenants(server)).get('_unassigned')).toBeUndefined();
    const doctor = await server.api<{ findings: Array<{ kind: string; count: number }> }>(
      '/api/v1/doctor',
    );
    expect(doctor.body.findings).toContainEqual(
      expect.objectContaining({ kind: 'waiting_for_trace_tenant', count: 3 }),
    );
    await new Promise((r) => setTimeout(r, 1100));
    expect(await server.settle.runOnce()).toEqual({ adopted: 0, expired: 3 });
    expect((await tenants(server)).get('_unassigned')).toMatchObject({ spans: 3, runs: 1 });
    expect(await server.storage.parkedSpans()).toMatchObject({ count: 0 });
  });

  it("never lets a tenant-bound key's claim take another writer's waiting spans", async () => {
    server = await startTestServer();
    const spans = await recordSpans((t) => guideRun(t, 'victim', false));
    const children = spans.filter((s) => !isRoot(s));
    await exportSpans(traceExporter(server.url, server.ingestKey), children);
    // The attacker knows the trace id and sends a root-like span of its own into that trace.
    const attacker = await server.createKey('ingest', 'attacker');
    const [root] = spans.filter(isRoot);
    const forged = Object.create(root!, { attributes: { value: {} } }) as ReadableSpan;
    expect((await exportSpans(traceExporter(server.url, attacker), [forged])).code).toBe(0);
    await exportSpans(traceExporter(server.url, server.ingestKey), spans.filter(isRoot));
    const byTenant = await tenants(server);
    expect(byTenant.get('victim')).toMatchObject({ spans: 3, llmCalls: 1 });
    expect(byTenant.get('attacker')).toMatchObject({ spans: 1, llmCalls: 0 });
  });

  it('keeps a span that states another tenant under its own tenant and reports the trace', async () => {
    // The doctor leaves the last minute out (spans may still be arriving): look from later on.
    server = await startTestServer({ clock: { now: () => Date.now() + 120_000 } });
    const spans = await recordSpans((t) => {
      const root = t.startSpan('agent.run', { attributes: { 'tenant.id': 'acme' } });
      const ctx = traceCtx(t, root);
      t.startSpan('leaky step', { attributes: { 'tenant.id': 'globex' } }, ctx).end();
      t.startSpan('quiet step', {}, ctx).end();
      root.end();
    });
    // In one request the root's claim decides for the quiet step; the leaky step keeps its own.
    await exportSpans(traceExporter(server.url, server.ingestKey), spans);
    const byTenant = await tenants(server);
    expect(byTenant.get('acme')).toMatchObject({ spans: 2, runs: 1 });
    expect(byTenant.get('globex')).toMatchObject({ spans: 1, runs: 0 });
    const doctor = await server.api<{ findings: Array<{ kind: string; count: number }> }>(
      '/api/v1/doctor',
    );
    expect(doctor.body.findings).toContainEqual(
      expect.objectContaining({ kind: 'mixed_tenant_trace', count: 1 }),
    );
  });

  it('reads the tenant from a configured attribute, on the span or its resource', async () => {
    server = await startTestServer({
      config: { ingest: { tenantAttributes: ['org_id', 'metadata.tenant_id', 'customer.id'] } },
    });
    const fromMetadata = await recordSpans((t) => {
      const root = t.startSpan('chain', { attributes: { metadata: '{"tenant_id":"initech"}' } });
      t.startSpan('llm', {}, traceCtx(t, root)).end();
      root.end();
    });
    const fromResource = await recordSpans((t) => t.startSpan('agent.run').end(), {
      'service.name': 'billing',
      'customer.id': 'umbrella',
    });
    const exporter = traceExporter(server.url, server.ingestKey);
    await exportSpans(exporter, [...fromMetadata, ...fromResource]);
    const byTenant = await tenants(server);
    expect(byTenant.get('initech')).toMatchObject({ spans: 2, runs: 1 });
    expect(byTenant.get('umbrella')).toMatchObject({ spans: 1, runs: 1 });
  });

  it('counts an SDK run inside an HTTP server span once, as the agent run, with the request span', async () => {
    server = await startTestServer();
    const sdk = init({ serviceName: 'chat-api', endpoint: server.url, apiKey: server.ingestKey });
    await trace.getTracer('http').startActiveSpan('POST /chat', async (http) => {
      await agentRun({ tenantId: 'acme', agentId: 'support' }, () =>
        toolCall({ name: 'lookup', args: {} }, async () => 'ok'),
      );
      http.end();
    });
    await sdk.shutdown();
    const runs = await server.api<{ items: Array<{ name: string; toolCalls: number }> }>(
      '/api/v1/runs?tenant=acme',
    );
    expect(runs.body.items).toEqual([
      expect.objectContaining({ name: 'invoke_agent support', toolCalls: 1 }),
    ]);
    // The request span states no tenant; it takes the run's, so nothing is left unassigned.
    const byTenant = await tenants(server);
    expect(byTenant.get('acme')).toMatchObject({ spans: 3, runs: 1 });
    expect(byTenant.get('_unassigned')).toBeUndefined();
  });
});
