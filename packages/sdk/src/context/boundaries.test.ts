import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Worker } from 'node:worker_threads';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { afterEach, describe, expect, it } from 'vitest';
import { initInMemory, type MemorySetup } from '../testing/memory-setup.js';
import { agentRun } from '../trace/agent.js';
import { toolCall } from '../trace/steps.js';
import { extract, inject, TENANT_CARRIER_KEY } from './propagation.js';
import { currentTenant } from './tenant.js';

let setup: MemorySetup | undefined;
const servers: Server[] = [];
afterEach(async () => {
  await setup?.handle.shutdown();
  setup = undefined;
  for (const s of servers.splice(0)) s.close();
});

async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('crossing boundaries with inject/extract', () => {
  it('continues the run across an in-process queue', async () => {
    setup = initInMemory();
    const queue: { body: string; headers: Record<string, string> }[] = [];
    let rootSpanId = '';
    agentRun({ tenantId: 'tenant-q', agentId: 'producer' }, (run) => {
      rootSpanId = run.spanId;
      queue.push({ body: 'job', headers: inject({}) });
    });
    // The consumer runs later, outside any run.
    await new Promise((r) => setTimeout(r, 5));
    expect(currentTenant()).toBeUndefined();
    const message = queue.shift();
    const seen = extract(message?.headers ?? {}, () =>
      toolCall({ name: 'consume' }, () => currentTenant()),
    );
    expect(seen).toBe('tenant-q');
    expect(message?.headers[TENANT_CARRIER_KEY]).toBe('tenant-q');
    expect(message?.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    const spans = await setup.finished();
    const consume = spans.find((s) => s.name === 'execute_tool consume');
    expect(consume?.parentSpanContext?.spanId).toBe(rootSpanId);
    expect(consume?.attributes['tenant.id']).toBe('tenant-q');
  });

  it('continues the run across an HTTP hop between two local servers', async () => {
    setup = initInMemory();
    let received: IncomingHttpHeaders = {};
    const downstream = await listen((req, res) => {
      received = req.headers;
      extract(req.headers, () =>
        toolCall({ name: 'downstream-work' }, () => res.end(currentTenant() ?? 'none')),
      );
    });
    const upstream = await listen((req, res) => {
      const tenantId = String(req.headers['x-tenant']);
      void agentRun({ tenantId, agentId: 'gateway' }, async () => {
        const reply = await fetch(`${downstream}/work`, { headers: inject({}) });
        res.end(await reply.text());
      });
    });
    const answer = await (await fetch(upstream, { headers: { 'x-tenant': 'tenant-h' } })).text();
    expect(answer).toBe('tenant-h');
    expect(received[TENANT_CARRIER_KEY]).toBe('tenant-h');
    expect(received.baggage).toBeUndefined();
    const spans = await setup.finished();
    const root = spans.find((s) => s.name === 'invoke_agent gateway');
    const work = spans.find((s) => s.name === 'execute_tool downstream-work');
    expect(work?.spanContext().traceId).toBe(root?.spanContext().traceId);
    expect(work?.parentSpanContext?.spanId).toBe(root?.spanContext().spanId);
    expect(work?.attributes['tenant.id']).toBe('tenant-h');
  });

  it('continues the run in a worker thread', async () => {
    setup = initInMemory();
    let carrier: Record<string, unknown> = {};
    let root = { traceId: '', spanId: '' };
    agentRun({ tenantId: 'tenant-w', agentId: 'a' }, (run) => {
      root = { traceId: run.traceId, spanId: run.spanId };
      carrier = inject({});
    });
    // Node 20 ignores loader hooks for a .ts worker entry, so a tiny JS entry registers tsx first.
    const entry = new URL('../__fixtures__/worker.ts', import.meta.url).href;
    const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); })`;
    const worker = new Worker(boot, { eval: true, workerData: { carrier } });
    const [reply] = (await once(worker, 'message')) as [
      {
        seen: string;
        spans: { name: string; traceId: string; parentSpanId: string; tenant: string }[];
      },
    ];
    await once(worker, 'exit');
    expect(reply.seen).toBe('tenant-w');
    expect(reply.spans).toEqual([
      {
        name: 'execute_tool in-worker',
        traceId: root.traceId,
        parentSpanId: root.spanId,
        tenant: 'tenant-w',
      },
    ]);
  });
});

describe('third-party instrumentation', () => {
  it('stamps tenant.id on spans from instrumentation-undici, without sending the tenant', async () => {
    setup = initInMemory();
    const instrumentation = new UndiciInstrumentation();
    const unregister = registerInstrumentations({ instrumentations: [instrumentation] });
    try {
      let headers: IncomingHttpHeaders = {};
      const url = await listen((req, res) => {
        headers = req.headers;
        res.end('ok');
      });
      await agentRun({ tenantId: 'tenant-u', agentId: 'a' }, async () => {
        await (await fetch(`${url}/x`)).text();
      });
      const spans = await setup.finished();
      const client = spans.find((s) => s.instrumentationScope.name.includes('undici'));
      const root = spans.find((s) => s.name === 'invoke_agent a');
      expect(client).toBeDefined();
      expect(client?.attributes['tenant.id']).toBe('tenant-u');
      expect(client?.parentSpanContext?.spanId).toBe(root?.spanContext().spanId);
      // The instrumentation propagates the trace, but neither baggage nor the tenant leave.
      expect(headers.traceparent).toContain(root?.spanContext().traceId);
      expect(headers.baggage).toBeUndefined();
      expect(JSON.stringify(headers)).not.toContain('tenant-u');
    } finally {
      unregister();
      instrumentation.disable();
    }
  });
});
