import { describe } from 'vitest';
import { acmeToolFails, itRunsExample } from '../../test/helpers/interop.js';

// acme: chat asks for search_web, the tool fails, the workflow fails (1 LLM call).
// globex: chat, tool, chat; the workflow ends with status UNSET (withWorkflow sets none).
const expected = acmeToolFails({ spans: [3, 4], llmCalls: [1, 2], status: ['error', 'unset'] });

describe('examples/openllmetry-openai (OpenLLMetry / Traceloop conventions)', () => {
  itRunsExample(
    'tenant.id on the workflow root only: gen_ai usage, traceloop tool spans and runs per tenant',
    {
      example: 'openllmetry-openai',
      expected,
    },
  );
  // Read only when configured: the platform names the attribute that holds its tenant.
  itRunsExample('tenant as traceloop.association.properties.tenant_id on every span', {
    example: 'openllmetry-openai',
    tenantAttributes: ['tenant.id', 'traceloop.association.properties.tenant_id'],
    env: { INTEROP_TENANT_VIA: 'association' },
    expected,
  });
});
