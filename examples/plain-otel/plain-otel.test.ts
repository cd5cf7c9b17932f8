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

describe('examples/plain-otel (the guide pattern: tenant.id on the root only)', () => {
  it('children exported before their root get the root tenant; agent.run roots are runs', async () => {
    await runInteropExample('plain-otel', server);
    // acme: call LLM, then search_web fails and the run fails (no second LLM call).
    // globex: call LLM, search_web, call LLM; the run is OK.
    await expectAcmeAndGlobex(server, {
      acme: {
        spans: 3,
        runs: 1,
        failedRuns: 1,
        llmCalls: 1,
        toolCalls: 1,
        toolErrors: 1,
        runStatus: 'error',
      },
      globex: {
        spans: 4,
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
