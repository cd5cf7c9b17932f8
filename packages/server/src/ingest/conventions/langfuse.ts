import type { Attributes, AttributeValue } from '../../storage/types.js';
import { type ConventionFields, str } from './fields.js';
import { readGenAiModel, readGenAiUsage } from './genai.js';

/**
 * Langfuse's OpenTelemetry attributes (@langfuse/tracing and @langfuse/core 5.11:
 * `langfuse.observation.type`, `langfuse.observation.model.name`, `langfuse.observation.usage_details`,
 * `langfuse.user.id` / `langfuse.session.id`; current versions propagate `user.id` / `session.id`).
 * Plain `span` and `event` observations are left to the GenAI reader (returns false).
 */
export function readLangfuse(
  f: ConventionFields,
  a: Attributes,
  spanName: string,
  type: string,
): boolean {
  switch (type) {
    case 'generation':
    case 'embedding':
      f.operation = type === 'generation' ? 'chat' : 'embeddings';
      readGenAiModel(f, a);
      f.model = str(a, 'langfuse.observation.model.name') ?? f.model;
      readUsageDetails(f, a['langfuse.observation.usage_details']);
      if (f.inputTokens === null && f.outputTokens === null) readGenAiUsage(f, a);
      break;
    case 'agent':
      f.operation = 'invoke_agent';
      f.agentName = str(a, 'gen_ai.agent.name') ?? spanName;
      break;
    case 'tool':
      f.operation = 'execute_tool';
      f.toolName = str(a, 'gen_ai.tool.name') ?? spanName;
      break;
    case 'retriever':
      f.operation = 'retrieval';
      break;
    case 'chain':
    case 'evaluator':
    case 'guardrail':
      f.operation = 'workflow';
      break;
    default:
      return false;
  }
  f.userId = str(a, 'langfuse.user.id');
  f.conversationId = str(a, 'langfuse.session.id');
  return true;
}

/**
 * usage_details is a JSON object of usage types. Langfuse adds them up: `input` is what the
 * integrations report net of cache and audio details (`input_cache_read`, `input_audio`, ...), so
 * the input tokens are every `input*` key summed, the output tokens every `output*` key. OpenAI's
 * names (`prompt_tokens`, `completion_tokens`) count when no `input` / `output` key is there.
 */
function readUsageDetails(f: ConventionFields, raw: AttributeValue | undefined): void {
  let usage: unknown = raw;
  if (typeof raw === 'string') {
    try {
      usage = JSON.parse(raw);
    } catch {
      return;
    }
  }
  if (typeof usage !== 'object' || usage === null || Array.isArray(usage)) return;
  let input: number | null = null;
  let output: number | null = null;
  let prompt: number | null = null;
  let completion: number | null = null;
  const u = usage as Record<string, unknown>;
  for (const key in u) {
    const v = u[key];
    if (typeof v !== 'number' || !Number.isFinite(v)) continue;
    if (key.startsWith('input')) input = (input ?? 0) + v;
    else if (key.startsWith('output')) output = (output ?? 0) + v;
    else if (key === 'prompt_tokens' || key === 'promptTokens') prompt = v;
    else if (key === 'completion_tokens' || key === 'completionTokens') completion = v;
  }
  f.inputTokens = input ?? prompt;
  f.outputTokens = output ?? completion;
}
