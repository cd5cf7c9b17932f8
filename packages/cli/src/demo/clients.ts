/** How the gateway talks to the shared fake LLM and to the worker service, trace context included. */
import { inject } from '@tenantry/sdk';
import type { RunClock } from './clock.js';
import { CLOCK_HEADER, encodeMapping } from './time-shift.js';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
}

/** The OpenAI chat completion fields the agents read (llmCall reads usage and model itself). */
export interface ChatCompletion {
  model: string;
  choices: Array<{ message: { content: string }; finish_reason: string }>;
  usage: { prompt_tokens: number; completion_tokens: number };
}

export async function chat(
  llmUrl: string,
  clock: RunClock,
  model: string,
  messages: ChatMessage[],
): Promise<ChatCompletion> {
  const res = await fetch(`${llmUrl}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...clock.headers() },
    body: JSON.stringify({ model, messages }),
  });
  if (!res.ok) throw new HttpError(res.status, `LLM answered ${res.status}`);
  return (await res.json()) as ChatCompletion;
}

/** A non-2xx answer; `code` becomes the span's error.type. */
export class HttpError extends Error {
  readonly code: string;
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
    this.code = status === 429 ? 'rate_limited' : `http_${status}`;
  }
}

/** POST to the worker service with the run's trace context, tenant and clock in the headers. */
export async function callWorker<T>(
  workerUrl: string,
  clock: RunClock,
  path: string,
  body: unknown,
): Promise<T> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    ...clock.headers(),
    [CLOCK_HEADER]: encodeMapping(clock),
  };
  inject(headers);
  const res = await fetch(`${workerUrl}${path}`, {
    method: 'POST',
    headers,
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new HttpError(res.status, `worker ${path} answered ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}
