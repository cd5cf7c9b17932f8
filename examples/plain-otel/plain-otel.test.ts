import { describe } from 'vitest';
import { acmeToolFails, itRunsExample } from '../../test/helpers/interop.js';

describe('examples/plain-otel (the guide pattern: tenant.id on the root only)', () => {
  // acme: call LLM, then search_web fails and the run fails (no second LLM call).
  // globex: call LLM, search_web, call LLM; the run is OK.
  itRunsExample(
    'children exported before their root get the root tenant; agent.run roots are runs',
    {
      example: 'plain-otel',
      expected: acmeToolFails({ spans: [3, 4], llmCalls: [1, 2], status: ['error', 'ok'] }),
    },
  );
});
