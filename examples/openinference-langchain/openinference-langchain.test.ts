import { describe } from 'vitest';
import { acmeToolFails, itRunsExample } from '../../test/helpers/interop.js';

describe('examples/openinference-langchain (LangChain.js through OpenInference)', () => {
  // agent.run > support-agent (CHAIN) > ChatOpenAI (LLM), search_web (TOOL)[, ChatOpenAI].
  // acme: the tool throws, the chain and the root fail. The CHAIN is part of the run, not a run.
  itRunsExample(
    'tenant.id on a plain root around the chain: ChatOpenAI tokens, search_web TOOL, one run per tenant',
    {
      example: 'openinference-langchain',
      expected: acmeToolFails({ spans: [4, 5], llmCalls: [1, 2], status: ['error', 'ok'] }),
    },
  );
});
