import { EventEmitter } from 'node:events';
import { context, ROOT_CONTEXT } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { initInMemory, type MemorySetup } from '../testing/memory-setup.js';
import { agentRun } from '../trace/agent.js';
import { llmCall } from '../trace/llm.js';
import { memoryOp, toolCall } from '../trace/steps.js';
import { currentTenant } from './tenant.js';

let setup: MemorySetup | undefined;
afterEach(async () => {
  await setup?.handle.shutdown();
  setup = undefined;
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every span of every trace must carry its root's tenant and have its parent in the trace. */
function assertWellFormed(spans: ReadableSpan[]): Map<string, ReadableSpan[]> {
  const byTrace = new Map<string, ReadableSpan[]>();
  for (const s of spans) {
    const list = byTrace.get(s.spanContext().traceId) ?? [];
    list.push(s);
    byTrace.set(s.spanContext().traceId, list);
  }
  for (const list of byTrace.values()) {
    const roots = list.filter((s) => s.parentSpanContext === undefined);
    expect(roots).toHaveLength(1);
    const tenant = roots[0]?.attributes['tenant.id'];
    const ids = new Set(list.map((s) => s.spanContext().spanId));
    for (const s of list) {
      expect(s.attributes['tenant.id']).toBe(tenant);
      if (s !== roots[0]) expect(ids.has(s.parentSpanContext?.spanId ?? '')).toBe(true);
    }
  }
  return byTrace;
}

describe('tenant and parent across async boundaries', () => {
  it('keeps both across await, setTimeout, setImmediate and EventEmitter callbacks', async () => {
    setup = initInMemory();
    const shared = new EventEmitter();
    await agentRun({ tenantId: 'acme', agentId: 'a' }, async () => {
      await sleep(1);
      await new Promise<void>((resolve) =>
        setTimeout(() => toolCall({ name: 'after-timeout' }, () => resolve()), 1),
      );
      await new Promise<void>((resolve) =>
        setImmediate(() => memoryOp({ store: 's', operation: 'read' }, () => resolve())),
      );
      const local = new EventEmitter();
      const done = new Promise<void>((resolve) =>
        local.on('msg', () => toolCall({ name: 'in-listener' }, () => resolve())),
      );
      setTimeout(() => local.emit('msg'), 1);
      await done;
      // An emitter that fires from outside the run keeps the run's context when bound to it.
      const bound = context.bind(context.active(), shared);
      const viaShared = new Promise<void>((resolve) =>
        bound.on('tick', () => {
          expect(currentTenant()).toBe('acme');
          toolCall({ name: 'bound-listener' }, () => resolve());
        }),
      );
      context.with(ROOT_CONTEXT, () => setTimeout(() => shared.emit('tick'), 1));
      await viaShared;
    });
    const spans = await setup.finished();
    const names = spans.map((s) => s.name).sort();
    expect(names).toEqual([
      'execute_tool after-timeout',
      'execute_tool bound-listener',
      'execute_tool in-listener',
      'invoke_agent a',
      'memory.read s',
    ]);
    assertWellFormed(spans);
  });

  it('keeps 200 concurrent runs of 20 tenants apart under Promise.all', async () => {
    setup = initInMemory();
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => {
        const tenantId = `tenant-${i % 20}`;
        return agentRun({ tenantId, agentId: `agent-${i}` }, async () => {
          await sleep(Math.random() * 5);
          await llmCall({ model: 'm', provider: 'p' }, async () => {
            await sleep(Math.random() * 3);
            return { usage: { prompt_tokens: 1, completion_tokens: 1 } };
          });
          await Promise.all([
            toolCall({ name: 't1' }, async () => {
              await new Promise((r) => setImmediate(r));
              return currentTenant();
            }),
            toolCall({ name: 't2' }, async () => {
              await sleep(Math.random() * 3);
              return currentTenant();
            }),
          ]).then((seen) => {
            for (const t of seen) expect(t).toBe(tenantId);
          });
          return currentTenant();
        });
      }),
    );
    expect(results).toEqual(results.map((_, i) => `tenant-${i % 20}`));
    const spans = await setup.finished();
    expect(spans).toHaveLength(800);
    const byTrace = assertWellFormed(spans);
    expect(byTrace.size).toBe(200);
    for (const list of byTrace.values()) {
      const root = list.find((s) => s.parentSpanContext === undefined);
      const agent = String(root?.attributes['gen_ai.agent.id']).replace('agent-', '');
      expect(root?.attributes['tenant.id']).toBe(`tenant-${Number(agent) % 20}`);
      expect(list).toHaveLength(4);
    }
  });
});
