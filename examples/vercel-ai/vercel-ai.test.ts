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
  if (!existsSync(`${root}/packages/sdk/dist/index.js`)) {
    execFileSync('npx', ['tsc', '-b', 'packages/sdk'], { cwd: root, stdio: 'inherit' });
  }
});

describe('examples/vercel-ai', () => {
  it("stamps the AI SDK's experimental_telemetry spans with the run's tenant, without prompt text", () => {
    const out = execFileSync(process.execPath, ['examples/vercel-ai'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: '', OPENAI_BASE_URL: '' },
    });
    const spans = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as ConsoleSpan);
    const generate = spans.filter((s) => s.name === 'ai.generateText.doGenerate');
    expect(generate.map((s) => s.attributes['tenant.id']).sort()).toEqual(['acme', 'globex']);
    for (const s of generate) {
      const root = spans.find((r) => r.traceId === s.traceId && r.parentSpanId === undefined);
      expect(root?.name).toBe('invoke_agent writer');
      expect(s.attributes['tenant.id']).toBe(root?.attributes['tenant.id']);
      expect(s.attributes['gen_ai.usage.input_tokens']).toBeGreaterThan(0);
      expect(s.attributes['ai.telemetry.functionId']).toBe('draft-reply');
    }
    expect(out).not.toContain('late delivery');
  });
});
