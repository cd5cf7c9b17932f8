import { describe, expect, it } from 'vitest';
import { isLlmSpan, isToolSpan } from '../../storage/classify.js';
import type { SpanRow } from '../../storage/types.js';
import { dumpRows, perTrace } from './testdata.test-helper.js';

/**
 * What ingest makes of real third-party spans (testdata/: ai 6.0.325,
 * @arizeai/openinference-instrumentation-openai 4.2.7, -langchain 4.1.1 with @langchain/core 1.4.0,
 * -openai-agents 0.2.15, @traceloop/instrumentation-openai 0.27.0, plain OTel). acme's trace calls
 * the LLM, then search_web fails; globex's calls the LLM, search_web, the LLM.
 */

const pick = (rows: SpanRow[], name: string) => rows.filter((r) => r.name === name);

describe('real instrumentation to typed columns', () => {
  it('Vercel AI SDK: only doGenerate is an LLM call, and its tokens add up to the outer ai.usage', () => {
    const rows = dumpRows('vercel-ai');
    for (const outer of pick(rows, 'ai.generateText')) {
      expect(outer).toMatchObject({ operation: 'workflow', inputTokens: null, isRun: true });
      const calls = rows.filter((r) => r.traceId === outer.traceId && isLlmSpan(r));
      expect(calls.map((r) => r.name)).toEqual(calls.map(() => 'ai.generateText.doGenerate'));
      const sum = (k: 'inputTokens' | 'outputTokens') => calls.reduce((n, r) => n + (r[k] ?? 0), 0);
      expect(sum('inputTokens')).toBe(outer.attributes['ai.usage.inputTokens']);
      expect(sum('outputTokens')).toBe(outer.attributes['ai.usage.outputTokens']);
    }
    expect(pick(rows, 'ai.generateText.doGenerate')[0]).toMatchObject({
      operation: 'chat',
      model: 'gpt-4o-mini',
      provider: 'openai',
      inputTokens: 17,
      outputTokens: 3,
      isRun: false,
    });
    expect(pick(rows, 'ai.toolCall')[0]).toMatchObject({
      operation: 'execute_tool',
      toolName: 'search_web',
      statusCode: 2,
    });
    expect(perTrace(rows, isLlmSpan)).toEqual([
      { runs: 1, llmCalls: 2, inputTokens: 46, outputTokens: 25, tools: 1, toolErrors: 1 },
      { runs: 1, llmCalls: 2, inputTokens: 56, outputTokens: 25, tools: 1, toolErrors: 0 },
    ]);
  });

  it('OpenInference OpenAI: LLM spans carry model, provider and tokens; AGENT and TOOL none', () => {
    for (const dump of ['openinference-openai', 'openinference-openai-metadata'] as const) {
      const rows = dumpRows(dump);
      expect(pick(rows, 'OpenAI Chat Completions')[0]).toMatchObject({
        operation: 'chat',
        model: 'gpt-4o-mini-2024-07-18',
        provider: 'openai',
        inputTokens: 17,
        outputTokens: 3,
      });
      expect(pick(rows, 'support-agent')[0]).toMatchObject({
        operation: 'invoke_agent',
        agentName: 'support-agent',
        inputTokens: null,
        isRun: true,
      });
      expect(pick(rows, 'search_web')[0]).toMatchObject({
        operation: 'execute_tool',
        toolName: 'search_web',
      });
      expect(perTrace(rows, isLlmSpan)).toEqual([
        { runs: 1, llmCalls: 1, inputTokens: 17, outputTokens: 3, tools: 1, toolErrors: 1 },
        { runs: 1, llmCalls: 2, inputTokens: 56, outputTokens: 25, tools: 1, toolErrors: 0 },
      ]);
    }
  });

  it('OpenInference LangChain: the CHAIN is a workflow step, ChatOpenAI the LLM call with its provider from metadata', () => {
    const rows = dumpRows('openinference-langchain');
    expect(pick(rows, 'support-agent')[0]).toMatchObject({
      operation: 'workflow',
      inputTokens: null,
      isRun: false,
    });
    expect(pick(rows, 'ChatOpenAI')[0]).toMatchObject({
      operation: 'chat',
      model: 'gpt-4o-mini',
      provider: 'openai',
      inputTokens: 17,
      outputTokens: 3,
    });
    expect(pick(rows, 'agent.run').every((r) => r.isRun)).toBe(true);
    expect(perTrace(rows, isLlmSpan)).toEqual([
      { runs: 1, llmCalls: 1, inputTokens: 17, outputTokens: 3, tools: 1, toolErrors: 1 },
      { runs: 1, llmCalls: 2, inputTokens: 56, outputTokens: 25, tools: 1, toolErrors: 0 },
    ]);
  });

  it('OpenAI Agents SDK via OpenInference: nested AGENT spans are agents but not runs; turns are workflow steps', () => {
    const rows = dumpRows('openai-agents');
    expect(pick(rows, 'support')[0]).toMatchObject({
      operation: 'invoke_agent',
      agentName: 'support',
      isRun: false,
    });
    expect(pick(rows, 'turn')[0]).toMatchObject({ operation: 'workflow', provider: null });
    expect(pick(rows, 'generation')[0]).toMatchObject({ operation: 'chat', provider: 'openai' });
    expect(perTrace(rows, isLlmSpan)).toEqual([
      { runs: 1, llmCalls: 2, inputTokens: 89, outputTokens: 25, tools: 1, toolErrors: 1 },
      { runs: 1, llmCalls: 2, inputTokens: 81, outputTokens: 25, tools: 1, toolErrors: 0 },
    ]);
  });

  it('OpenLLMetry: workflow and tool spans from traceloop.span.kind, the LLM call from gen_ai.*', () => {
    for (const dump of ['openllmetry-openai', 'openllmetry-openai-association'] as const) {
      const rows = dumpRows(dump);
      expect(pick(rows, 'support.workflow')[0]).toMatchObject({
        operation: 'workflow',
        isRun: true,
      });
      expect(pick(rows, 'search_web.tool')[0]).toMatchObject({
        operation: 'execute_tool',
        toolName: 'search_web',
      });
      expect(pick(rows, 'chat gpt-4o-mini')[0]).toMatchObject({
        operation: 'chat',
        model: 'gpt-4o-mini',
        provider: 'openai',
        inputTokens: 17,
        outputTokens: 3,
      });
      expect(perTrace(rows, isLlmSpan)).toEqual([
        { runs: 1, llmCalls: 1, inputTokens: 17, outputTokens: 3, tools: 1, toolErrors: 1 },
        { runs: 1, llmCalls: 2, inputTokens: 56, outputTokens: 25, tools: 1, toolErrors: 0 },
      ]);
    }
  });

  it('plain OTel: token counts make the LLM call, the span name `execute tool: X` the tool call', () => {
    const rows = dumpRows('plain-otel');
    expect(pick(rows, 'execute tool: search_web')[0]).toMatchObject({
      operation: 'execute_tool',
      toolName: 'search_web',
    });
    expect(pick(rows, 'call LLM')[0]).toMatchObject({ operation: null, model: 'gpt-4o-mini' });
    expect(rows.filter(isToolSpan)).toHaveLength(2);
    expect(perTrace(rows, isLlmSpan)).toEqual([
      { runs: 1, llmCalls: 1, inputTokens: 17, outputTokens: 17, tools: 1, toolErrors: 1 },
      { runs: 1, llmCalls: 2, inputTokens: 67, outputTokens: 39, tools: 1, toolErrors: 0 },
    ]);
  });

  it('keeps every original attribute', () => {
    for (const r of dumpRows('vercel-ai')) {
      expect(r.attributes['ai.operationId']).toBeTypeOf('string');
    }
  });
});
