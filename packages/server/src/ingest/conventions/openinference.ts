import type { Attributes } from '../../storage/types.js';
import { type ConventionFields, num, str } from './fields.js';

/**
 * OpenInference (@arizeai/openinference-semantic-conventions 2.12: `openinference.span.kind`,
 * `llm.*`, `embedding.model_name`, `tool.name`, `agent.name`; instrumentation-openai 4.2,
 * instrumentation-langchain 4.1). User and session come from `user.id` / `session.id`
 * (readIdentity).
 *
 * LangChain's CHAIN spans wrap the LLM spans and may carry token counts when a chain's output is
 * an LLM result; only the LLM (and EMBEDDING) span is the model call.
 */
export function readOpenInference(
  f: ConventionFields,
  a: Attributes,
  spanName: string,
  kind: string,
): void {
  switch (kind) {
    case 'LLM':
      f.operation = 'chat';
      f.model =
        str(a, 'llm.model_name') ??
        str(a, 'llm.response.model_name') ??
        str(a, 'llm.request.model_name');
      f.provider = str(a, 'llm.provider') ?? str(a, 'llm.system');
      f.inputTokens = num(a, 'llm.token_count.prompt');
      f.outputTokens = num(a, 'llm.token_count.completion');
      if (f.provider === null || f.model === null) readLangChainMetadata(f, a);
      return;
    case 'EMBEDDING':
      f.operation = 'embeddings';
      f.model = str(a, 'embedding.model_name') ?? str(a, 'llm.model_name');
      f.provider = str(a, 'llm.provider') ?? str(a, 'llm.system');
      f.inputTokens = num(a, 'llm.token_count.prompt');
      return;
    case 'TOOL':
      f.operation = 'execute_tool';
      f.toolName = str(a, 'tool.name') ?? spanName;
      return;
    case 'AGENT':
      f.operation = 'invoke_agent';
      f.agentName = str(a, 'agent.name') ?? spanName;
      return;
    case 'RETRIEVER':
    case 'RERANKER':
      f.operation = 'retrieval';
      return;
    case 'CHAIN':
    case 'GUARDRAIL':
    case 'EVALUATOR':
    case 'PROMPT':
      f.operation = 'workflow';
      return;
    default: {
      // The spec's values are upper case; accept other emitters' lower-case spelling.
      const upper = kind.toUpperCase();
      if (upper !== kind) readOpenInference(f, a, spanName, upper);
      else f.operation = 'workflow';
    }
  }
}

/**
 * LangChain puts the provider and model in the run metadata (`ls_provider`, `ls_model_name`),
 * which OpenInference sends as the JSON string `metadata`; parsed only when it names them.
 */
function readLangChainMetadata(f: ConventionFields, a: Attributes): void {
  const meta = a.metadata;
  if (typeof meta !== 'string' || !meta.includes('"ls_')) return;
  let parsed: unknown;
  try {
    parsed = JSON.parse(meta);
  } catch {
    return;
  }
  if (typeof parsed !== 'object' || parsed === null) return;
  const m = parsed as Record<string, unknown>;
  if (f.provider === null && typeof m.ls_provider === 'string') f.provider = m.ls_provider;
  if (f.model === null && typeof m.ls_model_name === 'string') f.model = m.ls_model_name;
}
