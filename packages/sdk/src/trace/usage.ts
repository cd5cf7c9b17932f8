/**
 * Reads token usage, response model and finish reasons from the response shapes users get from
 * provider SDKs, so a plain `return await client.chat.completions.create(...)` is enough.
 * Shapes: OpenAI Chat Completions, OpenAI Responses, Anthropic Messages, Vercel AI SDK results.
 */
import type { TokenUsage } from './handle.js';

export interface ResponseFacts {
  usage: TokenUsage | undefined;
  model: string | undefined;
  finishReasons: string[] | undefined;
}

/**
 * The generated content of a response (recorded only with captureContent): OpenAI chat
 * `choices[].message`, Anthropic `content`, Responses API `output`, Vercel AI SDK `text`.
 */
export function readOutput(response: unknown): unknown {
  if (!isObject(response)) return undefined;
  if (Array.isArray(response.choices)) return response.choices.map((c) => obj(c)?.message);
  if (response.type === 'message' && Array.isArray(response.content)) return response.content;
  if (response.object === 'response' && Array.isArray(response.output)) return response.output;
  if (typeof response.text === 'string') return response.text;
  return undefined;
}

export function readResponse(response: unknown): ResponseFacts {
  const facts: ResponseFacts = { usage: undefined, model: undefined, finishReasons: undefined };
  if (!isObject(response)) return facts;
  facts.usage = readUsage(response.usage);
  facts.model = str(response.model) ?? str(obj(response.response)?.modelId);
  facts.finishReasons = readFinishReasons(response);
  return facts;
}

function readUsage(raw: unknown): TokenUsage | undefined {
  if (!isObject(raw)) return undefined;
  // OpenAI Chat Completions: prompt_tokens already includes cached tokens.
  if (num(raw.prompt_tokens) !== undefined || num(raw.completion_tokens) !== undefined) {
    return usage(
      num(raw.prompt_tokens),
      num(raw.completion_tokens),
      num(obj(raw.prompt_tokens_details)?.cached_tokens),
      undefined,
      num(obj(raw.completion_tokens_details)?.reasoning_tokens),
    );
  }
  if (num(raw.input_tokens) !== undefined || num(raw.output_tokens) !== undefined) {
    const cacheRead = num(raw.cache_read_input_tokens);
    const cacheCreation = num(raw.cache_creation_input_tokens);
    if (cacheRead !== undefined || cacheCreation !== undefined) {
      // Anthropic counts cached input separately; the GenAI conventions want input to include it.
      return usage(
        (num(raw.input_tokens) ?? 0) + (cacheRead ?? 0) + (cacheCreation ?? 0),
        num(raw.output_tokens),
        cacheRead,
        cacheCreation,
        undefined,
      );
    }
    // OpenAI Responses API (and Anthropic without caching).
    return usage(
      num(raw.input_tokens),
      num(raw.output_tokens),
      num(obj(raw.input_tokens_details)?.cached_tokens),
      undefined,
      num(obj(raw.output_tokens_details)?.reasoning_tokens),
    );
  }
  if (num(raw.inputTokens) !== undefined || num(raw.outputTokens) !== undefined) {
    // Vercel AI SDK
    return usage(
      num(raw.inputTokens),
      num(raw.outputTokens),
      num(raw.cachedInputTokens),
      undefined,
      num(raw.reasoningTokens),
    );
  }
  return undefined;
}

function readFinishReasons(response: Record<string, unknown>): string[] | undefined {
  if (Array.isArray(response.choices)) {
    let reasons: string[] | undefined;
    for (const choice of response.choices) {
      const reason = str(obj(choice)?.finish_reason);
      if (reason === undefined) continue;
      if (reasons === undefined) reasons = [reason];
      else reasons.push(reason);
    }
    return reasons;
  }
  const single = str(response.stop_reason) ?? str(response.finishReason);
  if (single !== undefined) return [single];
  const incomplete = str(obj(response.incomplete_details)?.reason);
  if (incomplete !== undefined) return [incomplete];
  if (response.object === 'response' && response.status === 'completed') return ['stop'];
  return undefined;
}

/** Only known counts become fields: an unknown count is left out, never recorded as 0. */
function usage(
  input: number | undefined,
  output: number | undefined,
  cacheRead: number | undefined,
  cacheCreation: number | undefined,
  reasoning: number | undefined,
): TokenUsage {
  const out: TokenUsage = {};
  if (input !== undefined) out.inputTokens = input;
  if (output !== undefined) out.outputTokens = output;
  if (cacheRead !== undefined) out.cacheReadInputTokens = cacheRead;
  if (cacheCreation !== undefined) out.cacheCreationInputTokens = cacheCreation;
  if (reasoning !== undefined) out.reasoningOutputTokens = reasoning;
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function obj(value: unknown): Record<string, unknown> | undefined {
  return isObject(value) ? value : undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
