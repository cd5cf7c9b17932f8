import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { afterEach, expect, it } from 'vitest';
import { tenantrySpanProcessors } from '../init.js';
import { agentRun } from './agent.js';
import { toolCall } from './steps.js';

afterEach(() => {
  trace.disable();
  context.disable();
});

it('works without init() in a host that registers its own TracerProvider', async () => {
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({
    spanProcessors: tenantrySpanProcessors({ exporter, redact: false }),
  });
  provider.register({ contextManager: new AsyncLocalStorageContextManager() });
  await agentRun({ tenantId: 'host-t', agentId: 'a' }, async () => {
    await toolCall({ name: 'x', args: { q: 1 } }, async () => {
      trace.getTracer('host-lib').startSpan('host span').end();
    });
  });
  await provider.forceFlush();
  const spans = exporter.getFinishedSpans();
  expect(spans.map((s) => [s.name, s.attributes['tenant.id']]).sort()).toEqual([
    ['execute_tool x', 'host-t'],
    ['host span', 'host-t'],
    ['invoke_agent a', 'host-t'],
  ]);
  await provider.shutdown();
});
