import { beforeAll, describe, expect, it } from 'vitest';
import { consoleSpans, ensureSdkBuilt, runExample } from '../../test/helpers/examples.js';

beforeAll(ensureSdkBuilt);

describe('examples/openai-sdk', () => {
  it('traces the official SDK through llmCall and through instrumentation-openai, tenant on every span', () => {
    const spans = consoleSpans(runExample('openai-sdk', { OPENAI_BASE_URL: '' }));
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
