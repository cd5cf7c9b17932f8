import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  expectAcmeAndGlobex,
  runInteropExample,
  startInteropServer,
} from '../../test/helpers/interop.js';
import type { TestServer } from '../../test/helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startInteropServer();
});
afterAll(async () => {
  await server?.stop();
});

describe("examples/openai-agents (the OpenAI Agents SDK's own tracing, via OpenInference)", () => {
  it('tenant.id on a plain root around agents.run(): generations, function calls, one run per tenant', async () => {
    await runInteropExample('openai-agents', server);
    // agent.run > Agent workflow (AGENT) > Agent workflow (CHAIN) > support (AGENT) > turn (CHAIN) x2
    // > generation (LLM) / search_web (TOOL): 9 spans a tenant. acme's tool throws; the SDK gives
    // the error to the model, which answers, so the run is OK. Nested AGENT spans are not runs.
    await expectAcmeAndGlobex(server, {
      acme: {
        spans: 9,
        runs: 1,
        failedRuns: 0,
        llmCalls: 2,
        toolCalls: 1,
        toolErrors: 1,
        runStatus: 'ok',
      },
      globex: {
        spans: 9,
        runs: 1,
        failedRuns: 0,
        llmCalls: 2,
        toolCalls: 1,
        toolErrors: 0,
        runStatus: 'ok',
      },
    });
  });
});
