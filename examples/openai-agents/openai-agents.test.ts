import { describe } from 'vitest';
import { acmeToolFails, itRunsExample } from '../../test/helpers/interop.js';

describe("examples/openai-agents (the OpenAI Agents SDK's own tracing, via OpenInference)", () => {
  // agent.run > Agent workflow (AGENT) > Agent workflow (CHAIN) > support (AGENT) > turn (CHAIN) x2
  // > generation (LLM) / search_web (TOOL): 9 spans a tenant. acme's tool throws; the SDK gives
  // the error to the model, which answers, so the run is OK. Nested AGENT spans are not runs.
  itRunsExample(
    'tenant.id on a plain root around agents.run(): generations, function calls, one run per tenant',
    {
      example: 'openai-agents',
      expected: acmeToolFails({ spans: [9, 9], llmCalls: [2, 2], status: ['ok', 'ok'] }),
    },
  );
});
