import { describe, expect, it } from 'vitest';
import { type Dump, dumpRows } from '../ingest/conventions/testdata.test-helper.js';
import { categoryOf } from './views.js';

/** Span name to the categories the waterfall colours its spans by, in a dump of real instrumentation. */
function categories(dump: Dump): Record<string, string> {
  const seen = new Map<string, Set<string>>();
  for (const s of dumpRows(dump)) {
    const set = seen.get(s.name) ?? new Set<string>();
    set.add(categoryOf(s));
    seen.set(s.name, set);
  }
  return Object.fromEntries([...seen].map(([name, set]) => [name, [...set].sort().join(',')]));
}

describe('categoryOf on spans of every convention', () => {
  it('colours agent runs, LLM calls and tools of each instrumentation alike', () => {
    expect(categories('vercel-ai')).toEqual({
      'ai.generateText': 'agent',
      'ai.generateText.doGenerate': 'llm',
      'ai.toolCall': 'tool',
    });
    expect(categories('openinference-openai')).toEqual({
      'support-agent': 'agent',
      'OpenAI Chat Completions': 'llm',
      search_web: 'tool',
    });
    expect(categories('openinference-langchain')).toEqual({
      'agent.run': 'agent',
      'support-agent': 'other',
      ChatOpenAI: 'llm',
      search_web: 'tool',
    });
    expect(categories('openai-agents')).toEqual({
      'agent.run': 'agent',
      // The trace-level AGENT span and the CHAIN below it share the name.
      'Agent workflow': 'agent,other',
      support: 'agent',
      turn: 'other',
      generation: 'llm',
      search_web: 'tool',
    });
    expect(categories('openllmetry-openai')).toEqual({
      'support.workflow': 'agent',
      'chat gpt-4o-mini': 'llm',
      'search_web.tool': 'tool',
    });
    expect(categories('plain-otel')).toEqual({
      'agent.run': 'agent',
      'call LLM': 'llm',
      'execute tool: search_web': 'tool',
    });
  });
});
