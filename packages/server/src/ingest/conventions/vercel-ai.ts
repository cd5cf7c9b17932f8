import type { Attributes } from '../../storage/types.js';
import { type ConventionFields, num, providerPrefix, str } from './fields.js';

/**
 * Vercel AI SDK (`ai` 6.x `experimental_telemetry`), discriminated by `ai.operationId`, which stays
 * even where OpenLLMetry's span processor renames the spans and rewrites ai.* into gen_ai.*.
 *
 * The outer `ai.generateText` / `ai.streamText` / ... span reports the usage of all its steps in
 * `ai.usage.*` (and, after OpenLLMetry's processor, in gen_ai.usage.* with operation `chat`); only
 * the inner `.doGenerate` / `.doStream` / `.doEmbed` span is the provider call, so only it gets the
 * LLM operation, model and tokens.
 */

const ORCHESTRATION = new Set([
  'ai.generateText',
  'ai.streamText',
  'ai.generateObject',
  'ai.streamObject',
  'ai.embed',
  'ai.embedMany',
  'ai.rerank',
]);

const PROVIDER_CALLS = new Map([
  ['ai.generateText.doGenerate', 'chat'],
  ['ai.streamText.doStream', 'chat'],
  ['ai.generateObject.doGenerate', 'chat'],
  ['ai.streamObject.doStream', 'chat'],
  ['ai.embed.doEmbed', 'embeddings'],
  ['ai.embedMany.doEmbed', 'embeddings'],
  ['ai.rerank.doRerank', 'retrieval'],
]);

/** False for an operation id this reader does not know (left to the GenAI reader). */
export function readVercelAi(f: ConventionFields, a: Attributes, operationId: string): boolean {
  if (operationId === 'ai.toolCall') {
    f.operation = 'execute_tool';
    f.toolName =
      str(a, 'ai.toolCall.name') ?? str(a, 'gen_ai.tool.name') ?? str(a, 'traceloop.entity.name');
  } else if (ORCHESTRATION.has(operationId)) {
    // OpenLLMetry marks a top-level call made for a named agent (metadata `agent`) as the agent.
    if (str(a, 'traceloop.span.kind') === 'agent') {
      f.operation = 'invoke_agent';
      f.agentName = str(a, 'traceloop.entity.name');
    } else f.operation = 'workflow';
  } else {
    const op = PROVIDER_CALLS.get(operationId);
    if (op === undefined) return false;
    f.operation = op;
    f.model =
      str(a, 'gen_ai.request.model') ??
      str(a, 'ai.model.id') ??
      str(a, 'gen_ai.response.model') ??
      str(a, 'ai.response.model');
    f.provider = providerPrefix(
      str(a, 'gen_ai.provider.name') ?? str(a, 'gen_ai.system') ?? str(a, 'ai.model.provider'),
    );
    if (op === 'chat') {
      f.inputTokens =
        num(a, 'gen_ai.usage.input_tokens') ??
        num(a, 'ai.usage.inputTokens') ??
        num(a, 'ai.usage.promptTokens');
      f.outputTokens =
        num(a, 'gen_ai.usage.output_tokens') ??
        num(a, 'ai.usage.outputTokens') ??
        num(a, 'ai.usage.completionTokens');
    } else if (op === 'embeddings') {
      f.inputTokens = num(a, 'ai.usage.tokens') ?? num(a, 'gen_ai.usage.input_tokens');
    }
  }
  // `experimental_telemetry.metadata` arrives as ai.telemetry.metadata.<key> on every span.
  f.userId = str(a, 'ai.telemetry.metadata.userId');
  f.conversationId =
    str(a, 'ai.telemetry.metadata.conversationId') ?? str(a, 'ai.telemetry.metadata.sessionId');
  return true;
}
