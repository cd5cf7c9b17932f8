import type { SpanRow } from './types.js';

// ClickHouse's LLM_PREDICATE (the DEFAULT for rows older than its is_llm column) lists the first
// four: ingest never stores tokens on a `workflow` span (ingest/conventions), so it agrees there.
const NOT_LLM = new Set(['invoke_agent', 'execute_tool', 'memory', 'retrieval', 'workflow']);
const LLM_OPERATIONS = new Set(['chat', 'text_completion', 'generate_content', 'embeddings']);

/**
 * What counts as an LLM call everywhere (aggregates, runs, alerts): a span that is not an agent,
 * tool, memory, retrieval or workflow step and carries token usage or a GenAI model operation. Engines may
 * store it as a column at write time instead of re-deriving it in every query.
 */
export function isLlmSpan(s: Pick<SpanRow, 'operation' | 'inputTokens' | 'outputTokens'>): boolean {
  if (s.operation !== null && NOT_LLM.has(s.operation)) return false;
  return (
    s.inputTokens !== null ||
    s.outputTokens !== null ||
    (s.operation !== null && LLM_OPERATIONS.has(s.operation))
  );
}

export function isToolSpan(s: Pick<SpanRow, 'operation'>): boolean {
  return s.operation === 'execute_tool';
}
