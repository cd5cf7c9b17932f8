import type { Attributes } from '../../storage/types.js';
import { type ConventionFields, str } from './fields.js';
import { readGenAiModel, readGenAiUsage } from './genai.js';

/**
 * LangChain.js traced natively through LangSmith's OpenTelemetry exporter (langsmith 0.12,
 * `LANGSMITH_OTEL_ENABLED`): `langsmith.span.kind` is the LangChain run type. Its own
 * gen_ai.operation.name mapping calls retrievers `embeddings` and prompt templates `chat`, and a
 * chain whose output is a chat message gets that message's gen_ai.usage.*, so the run type decides:
 * only `llm` and `embedding` runs are model calls.
 */
export function readLangSmith(
  f: ConventionFields,
  a: Attributes,
  spanName: string,
  kind: string,
): void {
  switch (kind) {
    case 'llm':
    case 'embedding':
      f.operation = kind === 'llm' ? 'chat' : 'embeddings';
      readGenAiModel(f, a);
      readGenAiUsage(f, a);
      break;
    case 'tool':
      f.operation = 'execute_tool';
      f.toolName = str(a, 'gen_ai.tool.name') ?? str(a, 'langsmith.trace.name') ?? spanName;
      break;
    case 'retriever':
      f.operation = 'retrieval';
      break;
    default:
      f.operation = 'workflow';
  }
  // LangSmith threads: metadata session_id, thread_id or conversation_id.
  f.conversationId =
    str(a, 'langsmith.metadata.session_id') ??
    str(a, 'langsmith.metadata.thread_id') ??
    str(a, 'langsmith.metadata.conversation_id');
  f.userId = str(a, 'langsmith.metadata.user_id');
}
