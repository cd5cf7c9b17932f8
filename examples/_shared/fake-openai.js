// A local stand-in for an OpenAI-compatible API (POST /v1/chat/completions), so the examples run
// without network or keys. `tenantry demo` has a richer one (load-dependent latency, many models);
// point OPENAI_BASE_URL at it or at a real provider instead.
import { createServer } from 'node:http';

export async function startFakeOpenAI() {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      if (req.method !== 'POST' || !req.url.endsWith('/chat/completions')) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `no route ${req.url}` } }));
        return;
      }
      const request = JSON.parse(body || '{}');
      const prompt = (request.messages ?? []).map((m) => String(m.content)).join('\n');
      const promptTokens = Math.ceil(prompt.length / 4) + 7;
      const answer = `Here is what I found about: ${prompt.slice(0, 60)}`;
      const completionTokens = Math.ceil(answer.length / 4);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id: `chatcmpl-${Date.now()}`,
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model: `${request.model ?? 'gpt-4o-mini'}-2024-07-18`,
          choices: [
            { index: 0, message: { role: 'assistant', content: answer }, finish_reason: 'stop' },
          ],
          usage: {
            prompt_tokens: promptTokens,
            completion_tokens: completionTokens,
            total_tokens: promptTokens + completionTokens,
          },
        }),
      );
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/v1`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** OPENAI_BASE_URL when set, else a fake started for this run. */
export async function openAIBaseUrl() {
  if (process.env.OPENAI_BASE_URL)
    return { url: process.env.OPENAI_BASE_URL, close: async () => {} };
  return startFakeOpenAI();
}
