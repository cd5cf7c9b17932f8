import { afterEach, describe, it } from 'vitest';
import {
  expectAcmeAndGlobex,
  runInteropExample,
  startInteropServer,
} from '../../test/helpers/interop.js';
import type { TestServer } from '../../test/helpers/server.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

// acme: LLM asks for search_web, the tool fails, the AGENT root fails (1 LLM call).
// globex: LLM, tool, LLM; the AGENT root is OK. Spans: AGENT + LLM(s) + TOOL.
const expected = {
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
} as const;

describe('examples/openinference-openai (OpenInference conventions)', () => {
  it('tenant.id on the AGENT root only: LLM token counts, TOOL errors and runs per tenant', async () => {
    server = await startInteropServer();
    await runInteropExample('openinference-openai', server);
    await expectAcmeAndGlobex(server, expected);
  });

  it('tenant in OpenInference metadata ({"tenant_id":...}) instead of tenant.id', async () => {
    // Read only when configured: the platform names the attribute that holds its tenant.
    server = await startInteropServer(['tenant.id', 'metadata.tenant_id']);
    await runInteropExample('openinference-openai', server, { INTEROP_TENANT_VIA: 'metadata' });
    await expectAcmeAndGlobex(server, expected);
  });
});
