import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  expectAcmeAndGlobex,
  runInteropExample,
  startInteropServer,
} from '../../test/helpers/interop.js';
import type { TestServer } from '../../test/helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  // The platform names the attribute that holds its tenant (read only when configured).
  server = await startInteropServer(['tenant.id', 'ai.telemetry.metadata.tenant_id']);
});
afterAll(async () => {
  await server?.stop();
});

describe('examples/vercel-ai-otel (AI SDK telemetry, no tenantry SDK)', () => {
  it('ai.telemetry.metadata.tenant_id is the tenant; doGenerate steps are the LLM calls, counted once', async () => {
    await runInteropExample('vercel-ai-otel', server);
    // ai.generateText > doGenerate (tool call), ai.toolCall search_web, doGenerate (answer).
    // acme's tool throws: the SDK gives the error to the model, which answers, so the run is not
    // failed. ai.generateText also carries the summed ai.usage.*: tokens must not count twice.
    await expectAcmeAndGlobex(server, {
      acme: {
        spans: 4,
        runs: 1,
        failedRuns: 0,
        llmCalls: 2,
        toolCalls: 1,
        toolErrors: 1,
        runStatus: 'unset',
      },
      globex: {
        spans: 4,
        runs: 1,
        failedRuns: 0,
        llmCalls: 2,
        toolCalls: 1,
        toolErrors: 0,
        runStatus: 'unset',
      },
    });
  });
});
