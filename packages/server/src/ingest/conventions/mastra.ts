import type { Attributes } from '../../storage/types.js';
import { type ConventionFields, str } from './fields.js';
import { readGenAiModel, readGenAiUsage } from './genai.js';

/**
 * Mastra's OpenTelemetry exporter (@mastra/otel-exporter 1.4 with @mastra/core 1.71): gen_ai.*
 * plus `mastra.span.type`. Its gen_ai.operation.name is `chat` only on the one span per model call
 * that carries gen_ai.usage.*; the other span types get their own names (`agent_step`,
 * `workflow_step`, `model_generation`, ...), mapped here by span type.
 */
const BY_TYPE = new Map([
  ['agent_run', 'invoke_agent'],
  ['tool_call', 'execute_tool'],
  ['mcp_tool_call', 'execute_tool'],
  ['provider_tool_call', 'execute_tool'],
  ['client_tool_call', 'execute_tool'],
  ['memory_operation', 'memory'],
  ['rag_vector_operation', 'retrieval'],
  ['rag_embedding', 'embeddings'],
  ['model_inference', 'chat'],
]);

export function readMastra(f: ConventionFields, a: Attributes, type: string): void {
  let op = BY_TYPE.get(type);
  // model_generation is the call itself only with an older @mastra/observability, which then
  // exports it as `chat`; otherwise it is the loop around model_step / model_inference spans.
  if (op === undefined) op = str(a, 'gen_ai.operation.name') === 'chat' ? 'chat' : 'workflow';
  f.operation = op;
  readGenAiModel(f, a);
  readGenAiUsage(f, a);
  f.toolName = str(a, 'gen_ai.tool.name');
}
