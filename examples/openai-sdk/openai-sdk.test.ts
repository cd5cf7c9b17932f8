import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

interface ConsoleSpan {
  traceId: string;
  parentSpanId?: string;
  name: string;
  attributes: Record<string, unknown>;
}

beforeAll(() => {
  // The example imports the built package, as a user would.
  if (!existsSync(`${root}/packages/sdk/dist/index.js`)) {
    execFileSync('npx', ['tsc', '-b', 'packages/sdk'], { cwd: root, stdio: 'inherit' });
  }
});

describe('examples/openai-sdk', () => {
  it('traces the official SDK through llmCall and through instrumentation-openai, tenant on every span', () => {
    const out = execFileSync(process.execPath, ['examples/openai-sdk'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: '', OPENAI_BASE_URL: '' },
    });
    const spans = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as ConsoleSpan);
    const roots = new Map(
      spans.filter((s) => s.parentSpanId === undefined).map((s) => [s.traceId, s]),
    );
    expect(roots.size).toBe(4);
    for (const s of spans) {
      expect(s.attributes['tenant.id']).toBe(roots.get(s.traceId)?.attributes['tenant.id']);
    }
    const chats = spans.filter((s) => s.name === 'chat gpt-4o-mini');
    expect(chats).toHaveLength(4);
    // llmCall's spans: usage and response model read from the SDK's response object.
    const viaLlmCall = chats.filter((s) => s.attributes['gen_ai.provider.name'] === 'openai');
    expect(viaLlmCall).toHaveLength(2);
    for (const s of viaLlmCall) {
      expect(s.attributes['gen_ai.usage.input_tokens']).toBeGreaterThan(0);
      expect(s.attributes['gen_ai.response.model']).toBe('gpt-4o-mini-2024-07-18');
    }
    // The instrumentation's spans (it sets server.address), stamped by tenantry's processor.
    const viaInstrumentation = chats.filter((s) => s.attributes['server.address'] === '127.0.0.1');
    expect(viaInstrumentation).toHaveLength(2);
    expect(viaInstrumentation.map((s) => s.attributes['tenant.id']).sort()).toEqual([
      'acme',
      'globex',
    ]);
  });
});
