// A local stand-in for an OpenAI-compatible API, so the examples run without network or keys:
//   POST /v1/chat/completions  plain answers; a tool call when the request offers `tools` and has no
//                              tool result yet (the first tool, arguments {"query": <last user text>});
//                              `stream: true` answers as server-sent events (usage chunk when
//                              stream_options.include_usage is set)
//   POST /v1/embeddings        8-dimensional vectors
// `tenantry demo` has a richer one (load-dependent latency, many models); point OPENAI_BASE_URL at it
// or at a real provider instead. `usage` fixes the token counts of every call (tests assert exact
// numbers); without it they grow with the prompt.
import { createServer } from 'node:http';

function text(content) {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => p?.text ?? '').join('');
  return content == null ? '' : String(content);
}

function completion(request, usage) {
  const messages = request.messages ?? [];
  const prompt = messages.map((m) => text(m.content)).join('\n');
  const lastUser = [...messages].reverse().find((m) => m.role === 'user');
  const tools = request.tools ?? [];
  const hasToolResult = messages.some((m) => m.role === 'tool');
  let message;
  let finishReason = 'stop';
  if (tools.length > 0 && !hasToolResult) {
    const name = tools[0].function?.name ?? tools[0].name;
    message = {
      role: 'assistant',
      content: null,
      tool_calls: [
        {
          id: `call_${Math.random().toString(36).slice(2, 10)}`,
          type: 'function',
          function: { name, arguments: JSON.stringify({ query: text(lastUser?.content) }) },
        },
      ],
    };
    finishReason = 'tool_calls';
  } else {
    message = { role: 'assistant', content: `Here is what I found about: ${prompt.slice(0, 60)}` };
  }
  const promptTokens = usage?.prompt_tokens ?? Math.ceil(prompt.length / 4) + 7;
  const completionTokens =
    usage?.completion_tokens ?? Math.ceil(text(message.content ?? 'tool call').length / 4);
  return {
    id: `chatcmpl-${Date.now()}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: `${request.model ?? 'gpt-4o-mini'}-2024-07-18`,
    choices: [{ index: 0, message, finish_reason: finishReason }],
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
    },
  };
}

function streamCompletion(res, request, body) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const base = {
    id: body.id,
    object: 'chat.completion.chunk',
    created: body.created,
    model: body.model,
  };
  const send = (obj) => res.write(`data: ${JSON.stringify({ ...base, ...obj })}\n\n`);
  const { message, finish_reason } = body.choices[0];
  if (message.tool_calls) {
    const delta = {
      role: 'assistant',
      tool_calls: message.tool_calls.map((c, index) => ({ index, ...c })),
    };
    send({ choices: [{ index: 0, delta, finish_reason: null }] });
  } else {
    const words = message.content.split(/(?<= )/);
    send({
      choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }],
    });
    for (const w of words)
      send({ choices: [{ index: 0, delta: { content: w }, finish_reason: null }] });
  }
  send({ choices: [{ index: 0, delta: {}, finish_reason }] });
  if (request.stream_options?.include_usage) send({ choices: [], usage: body.usage });
  res.end('data: [DONE]\n\n');
}

function embeddings(request, usage) {
  const inputs = Array.isArray(request.input) ? request.input : [request.input];
  const promptTokens =
    usage?.prompt_tokens ?? inputs.reduce((n, i) => n + Math.ceil(String(i).length / 4), 0);
  return {
    object: 'list',
    model: request.model ?? 'text-embedding-3-small',
    data: inputs.map((input, index) => ({
      object: 'embedding',
      index,
      embedding: Array.from({ length: 8 }, (_, k) => ((String(input).length + k) % 10) / 10),
    })),
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  };
}

/** @param {{ usage?: { prompt_tokens: number, completion_tokens: number } }} [options] */
export async function startFakeOpenAI(options = {}) {
  const requests = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      const request = JSON.parse(body || '{}');
      requests.push({ url: req.url, body: request });
      const json = (status, obj) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(obj));
      };
      if (req.method === 'POST' && req.url.endsWith('/chat/completions')) {
        const result = completion(request, options.usage);
        if (request.stream) streamCompletion(res, request, result);
        else json(200, result);
      } else if (req.method === 'POST' && req.url.endsWith('/embeddings')) {
        json(200, embeddings(request, options.usage));
      } else {
        json(404, { error: { message: `no route ${req.url}` } });
      }
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/v1`,
    /** Every request received, in order (url and parsed body). */
    requests,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/**
 * OPENAI_BASE_URL when set, else a fake started for this run. FAKE_OPENAI_USAGE=<prompt>,<completion>
 * fixes the fake's token counts (tests check exact per-tenant sums).
 */
export async function openAIBaseUrl() {
  if (process.env.OPENAI_BASE_URL)
    return { url: process.env.OPENAI_BASE_URL, requests: [], close: async () => {} };
  const fixed = process.env.FAKE_OPENAI_USAGE?.split(',').map(Number);
  const usage =
    fixed?.length === 2 ? { prompt_tokens: fixed[0], completion_tokens: fixed[1] } : undefined;
  return startFakeOpenAI({ usage });
}
