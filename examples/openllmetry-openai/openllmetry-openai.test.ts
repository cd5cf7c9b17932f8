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

// acme: `chat gpt-4o-mini` asks for search_web, `search_web.tool` fails, `support.workflow` fails.
// globex: chat, tool, chat; the workflow ends with status UNSET (withWorkflow sets none).
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
    runStatus: 'unset',
  },
} as const;

describe('examples/openllmetry-openai (OpenLLMetry / Traceloop conventions)', () => {
  it('tenant.id on the workflow root only: gen_ai usage, traceloop tool spans and runs per tenant', async () => {
    server = await startInteropServer();
    await runInteropExample('openllmetry-openai', server);
    await expectAcmeAndGlobex(server, expected);
  });

  it('tenant as traceloop.association.properties.tenant_id on every span', async () => {
    // Read only when configured: the platform names the attribute that holds its tenant.
    server = await startInteropServer(['tenant.id', 'traceloop.association.properties.tenant_id']);
    await runInteropExample('openllmetry-openai', server, { INTEROP_TENANT_VIA: 'association' });
    await expectAcmeAndGlobex(server, expected);
  });
});
