import { describe } from 'vitest';
import { acmeToolFails, itRunsExample } from '../../test/helpers/interop.js';

describe('examples/vercel-ai-otel (AI SDK telemetry, no tenantry SDK)', () => {
  // ai.generateText > doGenerate (tool call), ai.toolCall search_web, doGenerate (answer).
  // acme's tool throws: the SDK gives the error to the model, which answers, so the run is not
  // failed. ai.generateText also carries the summed ai.usage.*: tokens must not count twice.
  itRunsExample(
    'ai.telemetry.metadata.tenant_id is the tenant; doGenerate steps are the LLM calls, counted once',
    {
      example: 'vercel-ai-otel',
      tenantAttributes: ['tenant.id', 'ai.telemetry.metadata.tenant_id'],
      expected: acmeToolFails({ spans: [4, 4], llmCalls: [2, 2], status: ['unset', 'unset'] }),
    },
  );
});
