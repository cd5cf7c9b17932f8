/**
 * A local OpenAI-compatible chat completions server shared by every simulated tenant, so one
 * tenant's load is everyone's latency: the slowdown grows with the tokens processed in the
 * trailing minute (of event time, so backfilled traffic loads it the same way live traffic does).
 *
 * Headers the demo's backfill adds (other clients, like the OpenAI SDK in examples/, send none and
 * get live behaviour): `x-demo-event-time` (ms) and `x-demo-virtual: 1` (answer at once; the caller
 * waits `x_demo.latency_ms` in virtual time).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Per-model speed and the dated name the "provider" answers with. */
const MODELS: Record<string, { responseModel: string; msPerOutputToken: number; ttftMs: number }> =
  {
    'gpt-4o-mini': { responseModel: 'gpt-4o-mini-2024-07-18', msPerOutputToken: 9, ttftMs: 250 },
    'gpt-4o': { responseModel: 'gpt-4o-2024-08-06', msPerOutputToken: 18, ttftMs: 400 },
    'claude-sonnet-4': {
      responseModel: 'claude-sonnet-4-20250514',
      msPerOutputToken: 16,
      ttftMs: 500,
    },
    'llama-3.1-70b': { responseModel: 'llama-3.1-70b-instruct', msPerOutputToken: 12, ttftMs: 300 },
    'mistral-large': { responseModel: 'mistral-large-2411', msPerOutputToken: 14, ttftMs: 350 },
    'gemini-2.0-flash': { responseModel: 'gemini-2.0-flash-001', msPerOutputToken: 6, ttftMs: 200 },
  };
const DEFAULT_MODEL = { responseModel: 'fake-model-1', msPerOutputToken: 10, ttftMs: 300 };

/** Tokens per minute the shared backend serves at full speed; above it everyone slows down. */
const CAPACITY_TOKENS_PER_MINUTE = 60_000;
const MAX_SLOWDOWN = 5;

interface ChatMessage {
  role?: string;
  content?: unknown;
}

interface ChatRequest {
  model?: string;
  messages?: ChatMessage[];
  max_tokens?: number;
  max_completion_tokens?: number;
}

export interface FakeLlm {
  url: string;
  /** Current slowdown factor (1 = unloaded) at an event time. */
  slowdownAt(eventMs: number): number;
  requests(): number;
  close(): Promise<void>;
}

export async function startFakeLlm(port = 0): Promise<FakeLlm> {
  const tokensBySecond = new Map<number, number>();
  let maxSecond = 0;
  let requests = 0;

  const load = (eventMs: number): number => {
    const now = Math.floor(eventMs / 1000);
    let sum = 0;
    for (let s = now - 59; s <= now; s++) sum += tokensBySecond.get(s) ?? 0;
    return sum;
  };
  const slowdownAt = (eventMs: number) => {
    const ratio = load(eventMs) / CAPACITY_TOKENS_PER_MINUTE;
    return ratio <= 1 ? 1 : Math.min(MAX_SLOWDOWN, ratio ** 1.2);
  };
  const account = (eventMs: number, tokens: number) => {
    const second = Math.floor(eventMs / 1000);
    tokensBySecond.set(second, (tokensBySecond.get(second) ?? 0) + tokens);
    if (second > maxSecond) {
      maxSecond = second;
      // Two hours of buckets is plenty; drop what is older.
      if (tokensBySecond.size > 7_200) {
        for (const key of tokensBySecond.keys())
          if (key < maxSecond - 7_200) tokensBySecond.delete(key);
      }
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
      return sendJson(res, 404, { error: { message: `no route ${req.method} ${req.url}` } });
    }
    let body: ChatRequest;
    try {
      body = JSON.parse(await readBody(req)) as ChatRequest;
    } catch {
      return sendJson(res, 400, {
        error: { message: 'body is not JSON', type: 'invalid_request_error' },
      });
    }
    requests++;
    const model = typeof body.model === 'string' ? body.model : 'gpt-4o-mini';
    const spec = MODELS[model] ?? DEFAULT_MODEL;
    const eventMs = numberHeader(req, 'x-demo-event-time') ?? Date.now();
    const virtual = req.headers['x-demo-virtual'] === '1';
    const promptTokens = countPromptTokens(body.messages ?? []);
    const cap = body.max_completion_tokens ?? body.max_tokens ?? 600;
    const completionTokens = Math.max(8, Math.min(cap, Math.round(60 + Math.random() * 260)));
    const slowdown = slowdownAt(eventMs);
    account(eventMs, promptTokens + completionTokens);
    const latencyMs =
      (spec.ttftMs + promptTokens * 0.03 + completionTokens * spec.msPerOutputToken) *
      slowdown *
      (0.8 + Math.random() * 0.4);
    if (!virtual) await sleep(latencyMs);
    const cached = promptTokens > 1024 ? Math.floor(promptTokens * 0.4) : 0;
    sendJson(res, 200, {
      id: `chatcmpl-${Math.random().toString(36).slice(2, 14)}`,
      object: 'chat.completion',
      created: Math.floor(eventMs / 1000),
      model: spec.responseModel,
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: fakeAnswer(body.messages ?? [], completionTokens),
          },
          finish_reason: 'stop',
        },
      ],
      usage: {
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
        prompt_tokens_details: { cached_tokens: cached },
      },
      // Not part of the OpenAI shape: lets the demo print the simulated latency it chose.
      x_demo: { latency_ms: Math.round(latencyMs), slowdown: Number(slowdown.toFixed(2)) },
    });
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) =>
      sendJson(res, 500, { error: { message: String(err) } }),
    );
  });
  // Longer than any idle gap between calls: a keep-alive socket the server closes just as the
  // client reuses it fails that request with ECONNRESET, i.e. a made-up failed run.
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 121_000;
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}/v1`,
    slowdownAt,
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** ~4 characters per token, plus the per-message overhead chat formats add. */
export function countPromptTokens(messages: ChatMessage[]): number {
  let chars = 0;
  for (const m of messages) {
    chars +=
      typeof m.content === 'string' ? m.content.length : JSON.stringify(m.content ?? '').length;
  }
  return Math.ceil(chars / 4) + messages.length * 4 + 3;
}

const WORDS =
  'the account order refund policy shipping invoice plan usage limit team seat renewal update status request support customer agent answer detail summary'.split(
    ' ',
  );

function fakeAnswer(messages: ChatMessage[], tokens: number): string {
  const last = messages.at(-1);
  const topic = typeof last?.content === 'string' ? last.content.slice(0, 60) : 'your request';
  const words: string[] = [`About "${topic}":`];
  for (let i = 0; i < Math.min(tokens, 400) * 0.75; i++) {
    words.push(WORDS[(i * 7 + tokens) % WORDS.length] ?? 'ok');
  }
  return `${words.join(' ')}.`;
}

function numberHeader(req: IncomingMessage, name: string): number | undefined {
  const raw = req.headers[name];
  const value = Number(Array.isArray(raw) ? raw[0] : raw);
  return raw === undefined || !Number.isFinite(value) ? undefined : value;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 4 * 1024 * 1024) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

const sleepers = new Set<() => void>();
let draining = false;

/**
 * Every simulated wait of the gateway (fake LLM latency, tool work) goes through here, so that
 * stopping can cut them short: a run left open at exit would leave its exported children orphaned.
 */
export function sleep(ms: number): Promise<void> {
  if (draining || ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const wake = () => {
      clearTimeout(timer);
      sleepers.delete(wake);
      resolve();
    };
    const timer = setTimeout(wake, ms);
    sleepers.add(wake);
  });
}

/** From now on simulated waits return at once, and the pending ones wake up. */
export function startDraining(): void {
  draining = true;
  for (const wake of [...sleepers]) wake();
}

export function isDraining(): boolean {
  return draining;
}
