/** How the gateway talks to the shared fake LLM and to the worker service, trace context included. */
import { Agent, request } from 'node:http';
import { inject } from '@tenantry/sdk';
import type { RunClock } from './clock.js';

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
  const res = await postJson(`${llmUrl}/chat/completions`, clock.headers(), { model, messages });
  if (res.status !== 200) throw new HttpError(res.status, `LLM answered ${res.status}`);
  const completion = JSON.parse(res.body) as ChatCompletion & { x_demo?: { latency_ms?: number } };
  // A backfilled call returns at once with the latency it would have had; the run waits it out
  // in virtual time.
  if (clock.virtual) await clock.wait(completion.x_demo?.latency_ms ?? 0);
  return completion;
}

// Keep-alive node:http rather than fetch: the backfill makes thousands of loopback calls a
// second and fetch's per-request cost showed up as event-loop lag, i.e. as stretched spans.
const agent = new Agent({ keepAlive: true, maxSockets: 256 });

function postJson(
  url: string,
  headers: Record<string, string>,
  body: unknown,
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            headers: res.headers,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** A non-2xx answer; `code` becomes the span's error.type. */
export class HttpError extends Error {
  readonly code: string;
  constructor(
    readonly status: number,
    message: string,
    /** The response body, for callers that turn a worker's error into their own. */
    readonly body = '',
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
  const headers: Record<string, string> = clock.headers();
  inject(headers);
  const res = await postJson(`${workerUrl}${path}`, headers, body);
  // The worker reports the virtual time it spent on a backfilled request.
  const simulated = Number(res.headers['x-demo-simulated-ms'] ?? 0);
  if (clock.virtual && Number.isFinite(simulated)) await clock.wait(simulated);
  if (res.status !== 200) {
    throw new HttpError(res.status, `worker ${path} answered ${res.status}: ${res.body}`, res.body);
  }
  return JSON.parse(res.body) as T;
}
