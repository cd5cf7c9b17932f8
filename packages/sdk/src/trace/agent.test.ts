import { SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { currentTenant } from '../context/tenant.js';
import { init, type TenantryHandle } from '../init.js';
import { agentRun, subAgent } from './agent.js';

let handle: TenantryHandle | undefined;
afterEach(async () => {
  await handle?.shutdown();
  handle = undefined;
});

function setup(): InMemorySpanExporter {
  const exporter = new InMemorySpanExporter();
  handle = init({ serviceName: 'test', exporter });
  return exporter;
}

describe('agentRun', () => {
  it('creates an invoke_agent root span carrying the tenant and agent attributes', async () => {
    const exporter = setup();
    const out = await agentRun(
      { tenantId: 't-1', agentId: 'a-1', agentName: 'support', conversationId: 'c-1', userId: 'u' },
      async () => {
        expect(currentTenant()).toBe('t-1');
        return 42;
      },
    );
    expect(out).toBe(42);
    expect(currentTenant()).toBeUndefined();
    await handle?.forceFlush();
    const [span] = exporter.getFinishedSpans();
    expect(span?.name).toBe('invoke_agent support');
    expect(span?.parentSpanContext).toBeUndefined();
    expect(span?.attributes).toMatchObject({
      'tenant.id': 't-1',
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.id': 'a-1',
      'gen_ai.agent.name': 'support',
      'gen_ai.conversation.id': 'c-1',
      'user.id': 'u',
    });
  });

  it('marks a run started inside an HTTP server span as the run, and that span as delegating', async () => {
    const exporter = setup();
    await trace.getTracer('http').startActiveSpan('POST /chat', async (http) => {
      await agentRun({ tenantId: 't-3', agentId: 'a' }, async () => {
        await subAgent({ agentId: 'b' }, async () => {});
      });
      http.end();
    });
    await agentRun({ tenantId: 't-3', agentId: 'top' }, async () => {});
    await handle?.forceFlush();
    const spans = exporter.getFinishedSpans();
    const attrs = (name: string) => spans.find((s) => s.name === name)?.attributes ?? {};
    expect(attrs('POST /chat')['tenantry.run.delegated']).toBe(true);
    expect(attrs('invoke_agent a')['tenantry.run.root']).toBe(true);
    // A sub-agent is part of its parent's run, and a run at the trace root needs no mark.
    expect(attrs('invoke_agent b')['tenantry.run.root']).toBeUndefined();
    expect(attrs('invoke_agent top')['tenantry.run.root']).toBeUndefined();
  });

  it('stamps the tenant on a span another library starts inside the run', async () => {
    const exporter = setup();
    agentRun({ tenantId: 't-2', agentId: 'a' }, () => {
      trace.getTracer('some-other-lib').startActiveSpan('GET /x', (s) => s.end());
    });
    trace.getTracer('some-other-lib').startActiveSpan('outside', (s) => s.end());
    await handle?.forceFlush();
    const spans = exporter.getFinishedSpans();
    const inner = spans.find((s) => s.name === 'GET /x');
    const root = spans.find((s) => s.name === 'invoke_agent a');
    expect(inner?.attributes['tenant.id']).toBe('t-2');
    expect(inner?.parentSpanContext?.spanId).toBe(root?.spanContext().spanId);
    expect(spans.find((s) => s.name === 'outside')?.attributes['tenant.id']).toBeUndefined();
  });

  it('marks the run failed and rethrows when the callback rejects', async () => {
    const exporter = setup();
    await expect(
      agentRun({ tenantId: 't', agentId: 'a' }, async () => {
        throw new TypeError('boom');
      }),
    ).rejects.toThrow('boom');
    await handle?.forceFlush();
    const [span] = exporter.getFinishedSpans();
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
    expect(span?.attributes['error.type']).toBe('TypeError');
    expect(span?.events.map((e) => e.name)).toEqual(['exception']);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['non-string', 42],
    ['over-long', 'x'.repeat(129)],
  ])('rejects a %s tenantId before any user code runs', (_label, tenantId) => {
    setup();
    let ran = false;
    expect(() =>
      agentRun({ tenantId: tenantId as string, agentId: 'a' }, () => {
        ran = true;
      }),
    ).toThrow(expect.objectContaining({ code: 'TENANTRY_E_INVALID_TENANT' }));
    expect(ran).toBe(false);
  });

  it('refuses a run for another tenant inside a run, and allows the same tenant', () => {
    setup();
    agentRun({ tenantId: 'x', agentId: 'a' }, () => {
      expect(() => agentRun({ tenantId: 'y', agentId: 'b' }, () => 1)).toThrow(
        expect.objectContaining({ code: 'TENANTRY_E_TENANT_MISMATCH' }),
      );
      expect(agentRun({ tenantId: 'x', agentId: 'b' }, () => 2)).toBe(2);
    });
  });

  it('makes sub-agent spans children of the span active where they start', async () => {
    const exporter = setup();
    await agentRun({ tenantId: 't', agentId: 'planner' }, async () => {
      await subAgent({ agentId: 'researcher' }, async () => {
        await subAgent({ agentId: 'summarizer' }, async () => {});
      });
    });
    await handle?.forceFlush();
    const byName = new Map(exporter.getFinishedSpans().map((s) => [s.name, s]));
    const planner = byName.get('invoke_agent planner');
    const researcher = byName.get('invoke_agent researcher');
    const summarizer = byName.get('invoke_agent summarizer');
    expect(researcher?.parentSpanContext?.spanId).toBe(planner?.spanContext().spanId);
    expect(summarizer?.parentSpanContext?.spanId).toBe(researcher?.spanContext().spanId);
    expect(summarizer?.attributes['tenant.id']).toBe('t');
  });
});
