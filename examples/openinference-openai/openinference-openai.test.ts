import { describe } from 'vitest';
import { acmeToolFails, itRunsExample } from '../../test/helpers/interop.js';

// acme: LLM asks for search_web, the tool fails, the AGENT root fails (1 LLM call).
// globex: LLM, tool, LLM; the AGENT root is OK. Spans: AGENT + LLM(s) + TOOL.
const expected = acmeToolFails({ spans: [3, 4], llmCalls: [1, 2], status: ['error', 'ok'] });

describe('examples/openinference-openai (OpenInference conventions)', () => {
  itRunsExample(
    'tenant.id on the AGENT root only: LLM token counts, TOOL errors and runs per tenant',
    {
      example: 'openinference-openai',
      expected,
    },
  );
  // Read only when configured: the platform names the attribute that holds its tenant.
  itRunsExample('tenant in OpenInference metadata ({"tenant_id":...}) instead of tenant.id', {
    example: 'openinference-openai',
    tenantAttributes: ['tenant.id', 'metadata.tenant_id'],
    env: { INTEROP_TENANT_VIA: 'metadata' },
    expected,
  });
});
