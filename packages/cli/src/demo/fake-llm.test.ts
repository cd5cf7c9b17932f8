import { afterEach, describe, expect, it } from 'vitest';
import { type FakeLlm, startFakeLlm } from './fake-llm.js';

let llm: FakeLlm | undefined;
afterEach(async () => {
  await llm?.close();
  llm = undefined;
});

interface Completion {
  model: string;
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
  x_demo: { latency_ms: number; slowdown: number };
}

async function call(url: string, eventMs: number, content: string): Promise<Completion> {
  const res = await fetch(`${url}/chat/completions`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-demo-event-time': String(eventMs),
      'x-demo-virtual': '1',
    },
    body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content }] }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Completion;
}

describe('fake LLM', () => {
  it('answers in the OpenAI chat completion shape with token counts that follow the prompt', async () => {
    llm = await startFakeLlm();
    const short = await call(llm.url, 1_000_000, 'hi');
    const long = await call(llm.url, 1_000_000, 'x'.repeat(8_000));
    expect(short.model).toBe('gpt-4o-2024-08-06');
    expect(long.usage.prompt_tokens - short.usage.prompt_tokens).toBeGreaterThan(1_900);
    expect(long.usage.total_tokens).toBe(long.usage.prompt_tokens + long.usage.completion_tokens);
  });

  it('slows every caller once the trailing minute of event time is over capacity', async () => {
    llm = await startFakeLlm();
    const t = 5_000_000;
    const before = await call(llm.url, t, 'a normal question');
    expect(before.x_demo.slowdown).toBe(1);
    // One tenant's loop: big prompts in the same minute of event time.
    for (let i = 0; i < 40; i++) await call(llm.url, t + i * 1_000, 'y'.repeat(12_000));
    const during = await call(llm.url, t + 45_000, 'a normal question');
    expect(during.x_demo.slowdown).toBeGreaterThan(1.5);
    // A minute later the load has moved out of the window.
    const after = await call(llm.url, t + 200_000, 'a normal question');
    expect(after.x_demo.slowdown).toBe(1);
  });
});
