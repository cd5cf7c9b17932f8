import { describe, expect, it } from 'vitest';
import { isLlmSpan } from '../../storage/classify.js';
import type { Attributes } from '../../storage/types.js';
import { readConventions } from './index.js';

/**
 * Attribute sets the packages emit where no dump of a real run is at hand, each taken from the
 * package source named in the test (the emitter's code that sets them).
 */
const read = (a: Attributes, name = 'span', scope = 'scope') => ({
  ...readConventions(a, name, scope),
});
const llm = (a: Attributes, name?: string) => isLlmSpan(read(a, name));

describe('OpenTelemetry GenAI', () => {
  it('reads the current names, and the deprecated ones when the current are absent', () => {
    expect(
      read({
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.system': 'openai.chat',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.usage.input_tokens': 12,
        'gen_ai.usage.output_tokens': '4',
        'gen_ai.agent.name': 'support',
        'gen_ai.agent.id': 'support-v1',
        'gen_ai.conversation.id': 'c-1',
        'user.id': 'u-1',
      }),
    ).toEqual({
      operation: 'chat',
      model: 'gpt-4o-mini',
      provider: 'openai',
      inputTokens: 12,
      outputTokens: 4,
      toolName: null,
      agentId: 'support-v1',
      agentName: 'support',
      userId: 'u-1',
      conversationId: 'c-1',
    });
    expect(
      read({
        'gen_ai.system': 'anthropic',
        'gen_ai.response.model': 'claude-x',
        'gen_ai.usage.prompt_tokens': 7,
        'gen_ai.usage.completion_tokens': 2,
        'enduser.id': 'u-2',
        'session.id': 's-2',
      }),
    ).toMatchObject({
      operation: null,
      provider: 'anthropic',
      model: 'claude-x',
      inputTokens: 7,
      outputTokens: 2,
      userId: 'u-2',
      conversationId: 's-2',
    });
  });

  it('an agent span reporting its whole usage (semconv allows it) gets no tokens: its calls have them', () => {
    const agent = read({
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.usage.input_tokens': 300,
      'gen_ai.usage.output_tokens': 40,
    });
    expect(agent).toMatchObject({
      operation: 'invoke_agent',
      inputTokens: null,
      outputTokens: null,
    });
    expect(read({ 'gen_ai.operation.name': 'invoke_workflow' }).operation).toBe('workflow');
  });

  it('older OpenLLMetry instrumentations name the call in llm.request.type', () => {
    expect(read({ 'llm.request.type': 'completion' }).operation).toBe('text_completion');
    expect(read({ 'llm.request.type': 'rerank' }).operation).toBe('retrieval');
  });

  it('reads GenAI span names only when nothing else names the operation', () => {
    expect(read({}, 'execute_tool get_weather')).toMatchObject({
      operation: 'execute_tool',
      toolName: 'get_weather',
    });
    expect(read({}, 'invoke_agent')).toMatchObject({ operation: 'invoke_agent', agentName: null });
    expect(read({}, 'execute_toolbox').operation).toBeNull();
    expect(read({ 'gen_ai.operation.name': 'chat' }, 'execute_tool x').operation).toBe('chat');
  });
});

describe('Vercel AI SDK after OpenLLMetry rewrote it (@traceloop/node-server-sdk 0.27)', () => {
  // transformAiSdkSpanAttributes: the outer span is renamed `chat <model>`, gets
  // gen_ai.operation.name chat and gen_ai.usage.* from ai.usage.promptTokens (AI SDK 4); ai.operationId stays.
  const outer = {
    'ai.operationId': 'ai.generateText',
    'gen_ai.operation.name': 'chat',
    'gen_ai.request.model': 'gpt-4o-mini',
    'gen_ai.provider.name': 'openai',
    'gen_ai.usage.input_tokens': 46,
    'gen_ai.usage.output_tokens': 25,
    'traceloop.association.properties.userId': 'u-9',
  };

  it('the outer span is no LLM call even though it says chat and carries the summed usage', () => {
    expect(read(outer, 'chat gpt-4o-mini', 'ai')).toMatchObject({
      operation: 'workflow',
      inputTokens: null,
      userId: 'u-9',
    });
    expect(llm(outer, 'chat gpt-4o-mini')).toBe(false);
    const inner = { ...outer, 'ai.operationId': 'ai.generateText.doGenerate' };
    expect(llm(inner, 'chat gpt-4o-mini')).toBe(true);
  });

  it('an outer span made for a named agent (metadata agent) is the agent', () => {
    expect(
      read(
        { ...outer, 'traceloop.span.kind': 'agent', 'traceloop.entity.name': 'planner' },
        'planner.agent',
        'ai',
      ),
    ).toMatchObject({ operation: 'invoke_agent', agentName: 'planner', inputTokens: null });
  });

  it('embeddings: doEmbed is the call, with ai.usage.tokens as input tokens (ai 6.0.325)', () => {
    const base = {
      'ai.model.id': 'text-embedding-3-small',
      'ai.model.provider': 'openai.embedding',
    };
    expect(read({ ...base, 'ai.operationId': 'ai.embedMany', 'ai.usage.tokens': 9 })).toMatchObject(
      {
        operation: 'workflow',
        inputTokens: null,
      },
    );
    expect(
      read({ ...base, 'ai.operationId': 'ai.embedMany.doEmbed', 'ai.usage.tokens': 9 }),
    ).toMatchObject({
      operation: 'embeddings',
      model: 'text-embedding-3-small',
      provider: 'openai',
      inputTokens: 9,
    });
  });
});

describe('LangChain.js through LangSmith OpenTelemetry (langsmith 0.12 experimental/otel)', () => {
  // setSpanAttributes: gen_ai.operation.name is the run type through WELL_KNOWN_OPERATION_NAMES,
  // and getUnifiedRunTokens puts usage_metadata found in any run's outputs on that span.
  it('a chain whose output is the model message is a workflow step without tokens', () => {
    const chain = {
      'langsmith.span.kind': 'chain',
      'gen_ai.operation.name': 'chain',
      'gen_ai.usage.input_tokens': 17,
      'gen_ai.usage.output_tokens': 3,
      'langsmith.metadata.thread_id': 'th-1',
    };
    expect(read(chain)).toMatchObject({
      operation: 'workflow',
      inputTokens: null,
      conversationId: 'th-1',
    });
    expect(
      read({ ...chain, 'langsmith.span.kind': 'llm', 'gen_ai.operation.name': 'chat' }),
    ).toMatchObject({ operation: 'chat', inputTokens: 17, outputTokens: 3 });
  });

  it('retrievers (sent as `embeddings`) are retrieval, prompt templates (sent as `chat`) workflow', () => {
    const retriever = { 'langsmith.span.kind': 'retriever', 'gen_ai.operation.name': 'embeddings' };
    expect(read(retriever).operation).toBe('retrieval');
    const prompt = { 'langsmith.span.kind': 'prompt', 'gen_ai.operation.name': 'chat' };
    expect(llm(prompt)).toBe(false);
    expect(read({ 'langsmith.span.kind': 'tool', 'gen_ai.tool.name': 'search_web' })).toMatchObject(
      { operation: 'execute_tool', toolName: 'search_web' },
    );
  });
});

describe('Mastra (@mastra/otel-exporter 1.4)', () => {
  // getAttributes: gen_ai.operation.name from getOperationName, mastra.span.type = span.type.
  it('maps span types; only the model call span is an LLM call', () => {
    const at = (type: string, op: string, extra: Attributes = {}) =>
      read({ 'mastra.span.type': type, 'gen_ai.operation.name': op, ...extra });
    expect(at('agent_run', 'invoke_agent', { 'gen_ai.agent.name': 'support' })).toMatchObject({
      operation: 'invoke_agent',
      agentName: 'support',
    });
    expect(at('model_generation', 'model_generation').operation).toBe('workflow');
    expect(at('model_step', 'agent_step').operation).toBe('workflow');
    expect(
      at('model_inference', 'chat', {
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.provider.name': 'openai',
        'gen_ai.usage.input_tokens': 17,
        'gen_ai.usage.output_tokens': 3,
      }),
    ).toMatchObject({ operation: 'chat', model: 'gpt-4o-mini', inputTokens: 17 });
    expect(at('model_generation', 'chat').operation).toBe('chat');
    expect(at('tool_call', 'execute_tool', { 'gen_ai.tool.name': 'search_web' })).toMatchObject({
      operation: 'execute_tool',
      toolName: 'search_web',
    });
    expect(at('memory_operation', 'memory_operation').operation).toBe('memory');
    expect(at('rag_vector_operation', 'rag_vector_operation').operation).toBe('retrieval');
    expect(at('workflow_step', 'workflow_step').operation).toBe('workflow');
  });
});
