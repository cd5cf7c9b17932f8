import { afterEach, describe, expect, it } from 'vitest';
import { init, type TenantryHandle } from '../init.js';
import { getLogger } from '../logs/logger.js';
import { type OtlpSink, startOtlpSink } from '../testing/otlp-sink.js';
import { agentRun } from '../trace/agent.js';
import { llmCall } from '../trace/llm.js';
import { toolCall } from '../trace/steps.js';

let handle: TenantryHandle | undefined;
let sink: OtlpSink | undefined;
afterEach(async () => {
  await handle?.shutdown();
  await sink?.close();
  handle = undefined;
  sink = undefined;
});

const devNull = { write: () => true };

describe('OTLP export', () => {
  it('sends spans, logs and delta metrics as protobuf with the API key', async () => {
    sink = await startOtlpSink();
    handle = init({ serviceName: 'svc', endpoint: `${sink.url}/`, apiKey: 'tnt_test_key' });
    const log = getLogger({ destination: devNull });
    let ids: { traceId: string; spanId: string } | undefined;
    await agentRun({ tenantId: 'acme', agentId: 'bot' }, async (run) => {
      ids = { traceId: run.traceId, spanId: run.spanId };
      log.warn({ tokens_used: 7840 }, 'context window approaching limit');
      await llmCall({ model: 'gpt-4o', provider: 'openai' }, async () => ({
        usage: { prompt_tokens: 11, completion_tokens: 4 },
      }));
      await toolCall({ name: 'lookup' }, async () => 'ok');
    });
    await handle.forceFlush();

    expect(sink.requests.map((r) => r.path).sort()).toEqual([
      '/v1/logs',
      '/v1/metrics',
      '/v1/traces',
    ]);
    for (const r of sink.requests) {
      expect(r.headers.authorization).toBe('Bearer tnt_test_key');
      expect(r.headers['content-type']).toBe('application/x-protobuf');
    }
    expect(sink.spans.map((s) => s.name).sort()).toEqual([
      'chat gpt-4o',
      'execute_tool lookup',
      'invoke_agent bot',
    ]);
    for (const span of sink.spans) {
      expect(span.attributes['tenant.id']).toBe('acme');
      expect(span.traceId).toBe(ids?.traceId);
      expect(span.resource['service.name']).toBe('svc');
    }

    expect(sink.logs).toHaveLength(1);
    expect(sink.logs[0]).toMatchObject({
      severityNumber: 13,
      severityText: 'warn',
      body: 'context window approaching limit',
      traceId: ids?.traceId,
      spanId: ids?.spanId,
      attributes: { tokens_used: 7840, 'tenant.id': 'acme', 'gen_ai.agent.id': 'bot' },
    });

    const tokens = sink.points.filter((p) => p.metric === 'gen_ai.client.token.usage');
    expect(tokens.map((p) => [p.attributes['gen_ai.token.type'], p.sum]).sort()).toEqual([
      ['input', 11],
      ['output', 4],
    ]);
    // AggregationTemporality DELTA = 1 in OTLP
    for (const p of sink.points) expect(p.temporality).toBe(1);
    expect(sink.points.find((p) => p.metric === 'tenantry.agent.runs')?.attributes).toEqual({
      'tenant.id': 'acme',
      status: 'ok',
      agent: 'bot',
    });
  });

  it('counts spans lost to a failing backend and never throws into user code', async () => {
    sink = await startOtlpSink();
    sink.failWith = 400;
    const warnings: string[] = [];
    const { setWarnSink, resetWarnings } = await import('../diag/warn.js');
    resetWarnings();
    setWarnSink((m) => warnings.push(m));
    try {
      handle = init({ endpoint: sink.url, metrics: { exporter: 'none' } });
      for (let i = 0; i < 3; i++) {
        expect(agentRun({ tenantId: 't', agentId: 'a' }, () => i)).toBe(i);
      }
      await handle.forceFlush();
      expect(handle.droppedSpans()).toBe(3);
      expect(handle.exportedSpans()).toBe(0);
      expect(warnings.filter((w) => w.includes('dropped'))).toHaveLength(1);
    } finally {
      setWarnSink(undefined);
    }
  });

  it('counts spans dropped by a full queue', async () => {
    sink = await startOtlpSink();
    handle = init({
      endpoint: sink.url,
      batch: { maxQueueSize: 5, maxExportBatchSize: 5, scheduledDelayMillis: 60_000 },
    });
    for (let i = 0; i < 12; i++) agentRun({ tenantId: 't', agentId: 'a' }, () => i);
    await handle.forceFlush();
    expect(handle.droppedSpans() + handle.exportedSpans()).toBe(12);
    expect(handle.droppedSpans()).toBeGreaterThan(0);
    expect(sink.spans).toHaveLength(handle.exportedSpans());
  });
});
