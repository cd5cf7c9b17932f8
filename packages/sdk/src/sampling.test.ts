import { afterEach, expect, it } from 'vitest';
import { initInMemory, type MemorySetup } from './testing/memory-setup.js';
import { agentRun } from './trace/agent.js';
import { toolCall } from './trace/steps.js';

let setup: MemorySetup | undefined;
afterEach(async () => {
  await setup?.handle.shutdown();
  setup = undefined;
});

it('samples whole runs: a dropped root takes its children with it', async () => {
  setup = initInMemory({ sampling: 0.5 });
  for (let i = 0; i < 200; i++) {
    agentRun({ tenantId: 't', agentId: 'a' }, () => toolCall({ name: 'x' }, () => i));
  }
  const spans = await setup.finished();
  const roots = spans.filter((s) => s.name === 'invoke_agent a');
  const tools = spans.filter((s) => s.name === 'execute_tool x');
  expect(roots.length).toBeGreaterThan(50);
  expect(roots.length).toBeLessThan(150);
  const rootIds = new Set(roots.map((s) => s.spanContext().spanId));
  expect(tools).toHaveLength(roots.length);
  for (const t of tools) expect(rootIds.has(t.parentSpanContext?.spanId ?? '')).toBe(true);
  expect(setup.handle.droppedSpans()).toBe(0);
});
