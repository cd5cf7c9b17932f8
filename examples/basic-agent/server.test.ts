import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/helpers/server.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);
let server: TestServer;

beforeAll(async () => {
  if (!existsSync(`${root}/packages/sdk/dist/index.js`)) {
    await run('npx', ['tsc', '-b', 'packages/sdk'], { cwd: root });
  }
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});

interface Tenants {
  items: { tenantId: string; runs: number; llmCalls: number; toolCalls: number }[];
}

describe('examples/basic-agent against a tenantry server', () => {
  it('lands both tenants runs, with their LLM and tool calls, over OTLP', async () => {
    await run(process.execPath, ['examples/basic-agent'], {
      cwd: root,
      env: {
        ...process.env,
        OTEL_EXPORTER_OTLP_ENDPOINT: server.url,
        TENANTRY_INGEST_KEY: server.ingestKey,
      },
    });
    let tenants: Tenants['items'] = [];
    for (let i = 0; i < 50; i++) {
      const res = await server.api<Tenants>('/api/v1/tenants');
      tenants = res.body.items;
      if (tenants.length === 2) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(
      tenants
        .map((t) => ({ tenantId: t.tenantId, runs: t.runs, llm: t.llmCalls, tools: t.toolCalls }))
        .sort((a, b) => a.tenantId.localeCompare(b.tenantId)),
    ).toEqual([
      { tenantId: 'acme', runs: 1, llm: 2, tools: 1 },
      { tenantId: 'globex', runs: 1, llm: 2, tools: 1 },
    ]);
  });
});
