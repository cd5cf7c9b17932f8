import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { initInMemory, type MemorySetup } from '../testing/memory-setup.js';
import { agentRun } from './agent.js';
import { llmCall } from './llm.js';
import { memoryOp, retrieval, toolCall } from './steps.js';

let setup: MemorySetup | undefined;
afterEach(async () => {
  await setup?.handle.shutdown();
  setup = undefined;
});

const run = <T>(fn: () => T) => agentRun({ tenantId: 'acme', agentId: 'support' }, fn);

describe('llmCall', () => {
  it('records usage, response model and finish reasons from an OpenAI chat completion', async () => {
    setup = initInMemory();
    const response = {
      model: 'gpt-4o-mini-2024-07-18',
      choices: [{ finish_reason: 'stop' }, { finish_reason: 'length' }],
      usage: {
        prompt_tokens: 120,
        completion_tokens: 30,
        prompt_tokens_details: { cached_tokens: 100 },
        completion_tokens_details: { reasoning_tokens: 7 },
      },
    };
    const out = await run(() =>
      llmCall({ model: 'gpt-4o-mini', provider: 'openai' }, async () => response),
    );
    expect(out).toBe(response);
    const span = (await setup.finished()).find((s) => s.name === 'chat gpt-4o-mini');
    expect(span?.kind).toBe(SpanKind.CLIENT);
    expect(span?.attributes).toMatchObject({
      'tenant.id': 'acme',
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.usage.input_tokens': 120,
      'gen_ai.usage.output_tokens': 30,
      'gen_ai.usage.cache_read.input_tokens': 100,
      'gen_ai.usage.reasoning.output_tokens': 7,
      'gen_ai.response.finish_reasons': ['stop', 'length'],
    });
  });

  it('counts Anthropic cached input in input_tokens and keeps the cache split', async () => {
    setup = initInMemory();
    await run(() =>
      llmCall({ model: 'claude-sonnet-4', provider: 'anthropic', operation: 'chat' }, () => ({
        model: 'claude-sonnet-4-20250514',
        stop_reason: 'end_turn',
        usage: {
          input_tokens: 10,
          output_tokens: 5,
          cache_read_input_tokens: 200,
          cache_creation_input_tokens: 40,
        },
      })),
    );
    const [span] = (await setup.finished()).filter((s) => s.name.startsWith('chat'));
    expect(span?.attributes).toMatchObject({
      'gen_ai.usage.input_tokens': 250,
      'gen_ai.usage.output_tokens': 5,
      'gen_ai.usage.cache_read.input_tokens': 200,
      'gen_ai.usage.cache_creation.input_tokens': 40,
      'gen_ai.response.finish_reasons': ['end_turn'],
    });
  });

  it('reads Responses API usage and prefers explicitly recorded usage', async () => {
    setup = initInMemory();
    await run(() =>
      llmCall({ model: 'o4-mini', provider: 'openai', operation: 'responses' }, () => ({
        object: 'response',
        status: 'completed',
        usage: {
          input_tokens: 8,
          output_tokens: 9,
          output_tokens_details: { reasoning_tokens: 4 },
        },
      })),
    );
    await run(() =>
      llmCall({ model: 'm', provider: 'p' }, (span) => {
        span.recordUsage({ inputTokens: 1, outputTokens: 2 });
        return { usage: { prompt_tokens: 100, completion_tokens: 200 } };
      }),
    );
    const spans = await setup.finished();
    expect(spans.find((s) => s.name === 'responses o4-mini')?.attributes).toMatchObject({
      'gen_ai.usage.input_tokens': 8,
      'gen_ai.usage.output_tokens': 9,
      'gen_ai.usage.reasoning.output_tokens': 4,
      'gen_ai.response.finish_reasons': ['stop'],
    });
    expect(spans.find((s) => s.name === 'chat m')?.attributes).toMatchObject({
      'gen_ai.usage.input_tokens': 1,
      'gen_ai.usage.output_tokens': 2,
    });
  });
});

describe('llmCall content capture', () => {
  const response = {
    model: 'gpt-4o',
    choices: [
      { message: { role: 'assistant', content: 'mail bob@example.com' }, finish_reason: 'stop' },
    ],
  };
  const input = [{ role: 'user', content: 'who is bob@example.com?' }];

  it('records prompt and output, redacted, only when captureContent is on', async () => {
    setup = initInMemory({ captureContent: true });
    await run(() => llmCall({ model: 'gpt-4o', provider: 'openai', input }, async () => response));
    const span = (await setup.finished()).find((s) => s.name === 'chat gpt-4o');
    expect(span?.attributes['gen_ai.input.messages']).toBe(
      '[{"role":"user","content":"who is [REDACTED:EMAIL]?"}]',
    );
    expect(span?.attributes['gen_ai.output.messages']).toBe(
      '[{"role":"assistant","content":"mail [REDACTED:EMAIL]"}]',
    );
  });

  it('records neither by default', async () => {
    setup = initInMemory();
    await run(() => llmCall({ model: 'gpt-4o', provider: 'openai', input }, async () => response));
    const span = (await setup.finished()).find((s) => s.name === 'chat gpt-4o');
    expect(span?.attributes['gen_ai.input.messages']).toBeUndefined();
    expect(span?.attributes['gen_ai.output.messages']).toBeUndefined();
  });
});

describe('toolCall', () => {
  it('records arguments, call id and no result when content capture is off', async () => {
    setup = initInMemory();
    await run(() =>
      toolCall({ name: 'search', args: { q: 'shoes' }, callId: 'call_1' }, () => ({ hits: 3 })),
    );
    const span = (await setup.finished()).find((s) => s.name === 'execute_tool search');
    expect(span?.attributes).toMatchObject({
      'tenant.id': 'acme',
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'search',
      'gen_ai.tool.call.id': 'call_1',
      'gen_ai.tool.call.arguments': '{"q":"shoes"}',
    });
    expect(span?.attributes['gen_ai.tool.call.result']).toBeUndefined();
  });

  it('records the result when content capture is on', async () => {
    setup = initInMemory({ captureContent: true });
    await run(() => toolCall({ name: 'search', args: {} }, async () => ({ hits: 3 })));
    const span = (await setup.finished()).find((s) => s.name === 'execute_tool search');
    expect(span?.attributes['gen_ai.tool.call.result']).toBe('{"hits":3}');
  });

  it('marks a failing tool with status ERROR, error.type and an exception event', async () => {
    setup = initInMemory();
    class RateLimited extends Error {
      override name = 'RateLimited';
    }
    await expect(
      run(async () =>
        toolCall({ name: 'weather' }, () => {
          throw new RateLimited('429 from upstream');
        }),
      ),
    ).rejects.toThrow('429');
    const spans = await setup.finished();
    const tool = spans.find((s) => s.name === 'execute_tool weather');
    expect(tool?.status.code).toBe(SpanStatusCode.ERROR);
    expect(tool?.attributes['error.type']).toBe('RateLimited');
    expect(tool?.events[0]?.attributes?.['exception.message']).toBe('429 from upstream');
    expect(spans.find((s) => s.name.startsWith('invoke_agent'))?.status.code).toBe(
      SpanStatusCode.ERROR,
    );
  });

  it('truncates oversized argument values with a marker', async () => {
    setup = initInMemory({ maxAttributeLength: 100 });
    await run(() => toolCall({ name: 'write', args: { text: 'x'.repeat(5000) } }, () => 1));
    const value = (await setup.finished()).find((s) => s.name === 'execute_tool write')?.attributes[
      'gen_ai.tool.call.arguments'
    ] as string;
    expect(value.startsWith('{"text":"xxx')).toBe(true);
    expect(value).toMatch(/…\[truncated 4911 chars\]$/);
  });
});

describe('memoryOp and retrieval', () => {
  it('names spans after the store and source and records keys and counts', async () => {
    setup = initInMemory();
    await run(async () => {
      await memoryOp({ store: 'redis', operation: 'read', key: 'conv:1' }, async () => 'x');
      await retrieval({ query: 'refund policy', source: 'kb', topK: 5 }, async () => [1, 2, 3]);
      retrieval({ query: 'q', source: 'web' }, (span) => {
        span.setResultCount(7);
        return 'not an array';
      });
    });
    const spans = await setup.finished();
    expect(spans.find((s) => s.name === 'memory.read redis')?.attributes).toMatchObject({
      'tenant.id': 'acme',
      'tenantry.operation': 'memory',
      'tenantry.memory.store': 'redis',
      'tenantry.memory.operation': 'read',
      'tenantry.memory.key': 'conv:1',
    });
    expect(spans.find((s) => s.name === 'retrieval kb')?.attributes).toMatchObject({
      'tenant.id': 'acme',
      'tenantry.operation': 'retrieval',
      'gen_ai.data_source.id': 'kb',
      'tenantry.retrieval.query': 'refund policy',
      'tenantry.retrieval.top_k': 5,
      'tenantry.retrieval.result_count': 3,
    });
    expect(spans.find((s) => s.name === 'retrieval web')?.attributes).toMatchObject({
      'tenantry.retrieval.result_count': 7,
    });
  });
});
