import { describe, expect, it } from 'vitest';
import { isLlmSpan } from '../../storage/classify.js';
import type { Attributes } from '../../storage/types.js';
import { readConventions } from './index.js';

const read = (a: Attributes, name = 'span') => ({ ...readConventions(a, name, 'scope') });

describe('Langfuse (@langfuse/tracing, @langfuse/core 5.11)', () => {
  // createObservationAttributes: langfuse.observation.type, .model.name, .usage_details (JSON).
  it('a generation is the LLM call, its tokens summed over the usage types as Langfuse does', () => {
    // @langfuse/langchain 5.11 sends input net of cache reads, and the cache reads as input_cache_read.
    const generation = {
      'langfuse.observation.type': 'generation',
      'langfuse.observation.model.name': 'gpt-4o-mini',
      'langfuse.observation.usage_details':
        '{"input":13,"output":3,"total":20,"input_cache_read":4,"output_reasoning":0}',
      'user.id': 'u-1',
      'session.id': 's-1',
    };
    expect(read(generation)).toMatchObject({
      operation: 'chat',
      model: 'gpt-4o-mini',
      inputTokens: 17,
      outputTokens: 3,
      userId: 'u-1',
      conversationId: 's-1',
    });
    expect(
      read({
        'langfuse.observation.type': 'embedding',
        'langfuse.observation.usage_details': '{"prompt_tokens":8}',
        'langfuse.user.id': 'u-2',
        'langfuse.session.id': 's-2',
      }),
    ).toMatchObject({
      operation: 'embeddings',
      inputTokens: 8,
      userId: 'u-2',
      conversationId: 's-2',
    });
  });

  it('agents, tools and retrievers take their names from the observation; chains are workflow steps', () => {
    expect(read({ 'langfuse.observation.type': 'agent' }, 'planner')).toMatchObject({
      operation: 'invoke_agent',
      agentName: 'planner',
    });
    expect(read({ 'langfuse.observation.type': 'tool' }, 'search_web')).toMatchObject({
      operation: 'execute_tool',
      toolName: 'search_web',
    });
    expect(read({ 'langfuse.observation.type': 'retriever' }).operation).toBe('retrieval');
    const chain = {
      'langfuse.observation.type': 'chain',
      'langfuse.observation.usage_details': '{"input":17,"output":3}',
    };
    expect(isLlmSpan(read(chain))).toBe(false);
    expect(read({ 'langfuse.observation.type': 'span' }).operation).toBeNull();
  });
});

describe('OpenInference kinds without a dump (semantic-conventions 2.12)', () => {
  it('EMBEDDING (instrumentation-openai 4.2: embedding.model_name, llm.provider) is an embeddings call', () => {
    expect(
      read({
        'openinference.span.kind': 'EMBEDDING',
        'embedding.model_name': 'text-embedding-3-small',
        'llm.system': 'openai',
        'llm.provider': 'azure',
      }),
    ).toMatchObject({
      operation: 'embeddings',
      model: 'text-embedding-3-small',
      provider: 'azure',
    });
  });

  it('RETRIEVER and RERANKER are retrieval; GUARDRAIL, EVALUATOR and PROMPT workflow steps', () => {
    const kind = (k: string) => read({ 'openinference.span.kind': k }).operation;
    expect([kind('RETRIEVER'), kind('RERANKER')]).toEqual(['retrieval', 'retrieval']);
    expect([kind('GUARDRAIL'), kind('EVALUATOR'), kind('PROMPT'), kind('UNKNOWN')]).toEqual([
      'workflow',
      'workflow',
      'workflow',
      'workflow',
    ]);
    expect(kind('llm')).toBe('chat');
  });

  it('a LangChain CHAIN whose output holds token counts is no LLM call', () => {
    const chain = {
      'openinference.span.kind': 'CHAIN',
      'llm.token_count.prompt': 17,
      'llm.token_count.completion': 3,
    };
    expect(read(chain)).toMatchObject({ operation: 'workflow', inputTokens: null });
    expect(isLlmSpan(read(chain))).toBe(false);
  });

  it('reuses one result object: nothing is allocated per span', () => {
    expect(readConventions({}, 'a', 's')).toBe(readConventions({ 'user.id': 'u' }, 'b', 's'));
  });
});
