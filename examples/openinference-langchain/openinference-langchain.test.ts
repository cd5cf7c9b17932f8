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

describe('examples/openinference-langchain (LangChain.js through OpenInference)', () => {
  it('tenant.id on a plain root around the chain: ChatOpenAI tokens, search_web TOOL, one run per tenant', async () => {
    await runInteropExample('openinference-langchain', server);
    // agent.run > support-agent (CHAIN) > ChatOpenAI (LLM), search_web (TOOL)[, ChatOpenAI].
    // acme: the tool throws, the chain and the root fail. The CHAIN is part of the run, not a run.
    await expectAcmeAndGlobex(server, {
      acme: {
        spans: 4,
        runs: 1,
        failedRuns: 1,
        llmCalls: 1,
        toolCalls: 1,
        toolErrors: 1,
        runStatus: 'error',
      },
      globex: {
        spans: 5,
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
