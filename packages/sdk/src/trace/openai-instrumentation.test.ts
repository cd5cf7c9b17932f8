import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { Attributes } from '@opentelemetry/api';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { OpenAIInstrumentation } from '@opentelemetry/instrumentation-openai';
import { afterEach, expect, it } from 'vitest';
import { initInMemory, type MemorySetup } from '../testing/memory-setup.js';
import { agentRun } from './agent.js';

let setup: MemorySetup | undefined;
let server: Server | undefined;
afterEach(async () => {
  await setup?.handle.shutdown();
  server?.close();
  setup = undefined;
});

it('stamps tenant.id on the official OpenAI instrumentation spans made inside a run', async () => {
  // A local stand-in for the OpenAI API: the only fake here is the remote service.
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id: 'chatcmpl-1',
          object: 'chat.completion',
          created: 1,
          model: 'gpt-4o-mini-2024-07-18',
          choices: [
            { index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' },
          ],
          usage: { prompt_tokens: 9, completion_tokens: 1, total_tokens: 10 },
        }),
      );
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;

  setup = initInMemory();
  const instrumentation = new OpenAIInstrumentation();
  const unregister = registerInstrumentations({ instrumentations: [instrumentation] });
  try {
    // Loaded after the instrumentation is enabled, through require, which it patches.
    const { OpenAI } = createRequire(import.meta.url)('openai') as typeof import('openai');
    const client = new OpenAI({ apiKey: 'sk-test', baseURL });
    await agentRun({ tenantId: 'tenant-oa', agentId: 'a' }, () =>
      client.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'hello' }],
      }),
    );
    const spans = await setup.finished();
    const llm = spans.find((s) => s.instrumentationScope.name.includes('openai'));
    expect(llm?.name).toBe('chat gpt-4o-mini');
    expect(llm?.attributes).toMatchObject({
      'tenant.id': 'tenant-oa',
      'gen_ai.usage.input_tokens': 9,
    });
    const root = spans.find((s) => s.name === 'invoke_agent a');
    expect(llm?.parentSpanContext?.spanId).toBe(root?.spanContext().spanId);
    // Its own token metric is split by tenant too.
    const { resourceMetrics } = await setup.collect();
    const tokenPoints = resourceMetrics.scopeMetrics
      .filter((s) => s.scope.name.includes('openai'))
      .flatMap((s) => s.metrics)
      .filter((m) => m.descriptor.name === 'gen_ai.client.token.usage')
      .flatMap((m) => m.dataPoints.map((p: { attributes: Attributes }) => p.attributes));
    expect(tokenPoints.length).toBeGreaterThan(0);
    for (const attributes of tokenPoints) expect(attributes['tenant.id']).toBe('tenant-oa');
  } finally {
    unregister();
    instrumentation.disable();
  }
});
