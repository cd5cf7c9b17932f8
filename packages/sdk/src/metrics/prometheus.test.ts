import { createServer } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { init, type TenantryHandle } from '../init.js';
import { agentRun } from '../trace/agent.js';
import { toolCall } from '../trace/steps.js';

let handle: TenantryHandle | undefined;
afterEach(async () => {
  await handle?.shutdown();
  handle = undefined;
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

it('serves per-tenant metrics on a Prometheus scrape endpoint', async () => {
  const port = await freePort();
  handle = init({ exporter: 'none', metrics: { prometheus: { port, host: '127.0.0.1' } } });
  await agentRun({ tenantId: 'prom-t', agentId: 'bot' }, async () => {
    await toolCall({ name: 'search' }, async () => 1);
  });
  let body = '';
  for (let attempt = 0; attempt < 50 && body === ''; attempt++) {
    try {
      body = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  expect(body).toMatch(/tenantry_agent_runs(_total)?\{[^}]*tenant_id="prom-t"[^}]*\} 1/);
  expect(body).toMatch(/tenantry_tool_calls(_total)?\{[^}]*gen_ai_tool_name="search"[^}]*\} 1/);
});
