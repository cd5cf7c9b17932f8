import { beforeAll, describe, expect, it } from 'vitest';
import { consoleSpans, ensureSdkBuilt, runExample } from '../../test/helpers/examples.js';

beforeAll(ensureSdkBuilt);

describe('examples/vercel-ai', () => {
  it("stamps the AI SDK's experimental_telemetry spans with the run's tenant, without prompt text", () => {
    const out = runExample('vercel-ai', { OPENAI_BASE_URL: '' });
    const spans = consoleSpans(out);
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
