import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Page, RunSummary } from '@tenantry/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { DocCoverage, type ShellCommand, shellCommands } from '../helpers/docs.js';
import { REPO_ROOT } from '../helpers/process.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * docs/integrations.md, docs/security.md (its Prometheus scrape config, against /metrics) and
 * docs/errors.md (no code block: a new one fails the last test). The env-var snippet and every `node examples/<name>` line run against one real server,
 * with the doc's placeholders (`http://tenantry:4318`, `http://127.0.0.1:4318`, `tnt_...`) as the
 * only substitutions; the per-tenant results are what the text promises.
 */
const DOC = 'docs/integrations.md';
const docs = new DocCoverage(
  [DOC, 'docs/security.md', 'docs/errors.md'],
  [
    {
      file: DOC,
      starts: 'const reply = await llmCall(',
      why: "a fragment (client, messages are the reader's); examples/openai-sdk runs llmCall around the OpenAI SDK",
    },
    {
      file: DOC,
      starts: 'registerInstrumentations(',
      why: 'a fragment of examples/openai-sdk, which its test runs with the instrumentation registered',
    },
    {
      file: DOC,
      starts: "await agentRun({ tenantId, agentId: 'writer-v1' }",
      why: "a fragment (tenantId, provider, prompt are the reader's); examples/vercel-ai runs it",
    },
    {
      file: DOC,
      starts: 'TENANTRY_ENDPOINT=http://tenantry:4318',
      why: 'needs otelcol-contrib and Tempo, Langfuse, Honeycomb; deploy/collector/collector.test.ts runs that config',
    },
  ],
);

let server: TestServer;
/** The attribute names the text says the tenant-in-metadata variants need the server told. */
function metadataTenantAttributes(): string[] {
  const text = readFileSync(join(REPO_ROOT, DOC), 'utf8');
  const para = text.slice(text.indexOf('The tenant-in-metadata variants'));
  const names = [...para.slice(0, para.indexOf('\n\n')).matchAll(/[\w.]+\.tenant_id\b/g)];
  return ['tenant.id', ...new Set(names.map((m) => m[0]))];
}

beforeAll(async () => {
  const tenantAttributes = metadataTenantAttributes();
  expect(tenantAttributes).toContain('metadata.tenant_id');
  server = await startTestServer({
    alerts: false,
    retention: false,
    config: { ingest: { tenantAttributes } },
  });
});
afterAll(() => server?.stop());

/** Runs a command of the doc with only its own variables (and PATH, HOME), placeholders replaced. */
async function run(cmd: ShellCommand, key: string): Promise<void> {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME };
  for (const [k, v] of Object.entries(cmd.env)) {
    env[k] = v
      .replace(/^http:\/\/(tenantry|127\.0\.0\.1):4318$/, server.url)
      .replace('tnt_...', key);
  }
  const [bin, ...args] = cmd.argv;
  expect(bin).toBe('node');
  await promisify(execFile)(process.execPath, args, { cwd: REPO_ROOT, env, timeout: 60_000 });
}

async function runsOf(tenant: string): Promise<RunSummary[]> {
  const res = await server.api<Page<RunSummary>>(`/api/v1/runs?tenant=${tenant}&limit=100`);
  return res.body.items;
}

describe('docs/integrations.md', () => {
  it('Any language: the OTEL_* variables alone deliver examples/otel-env runs under their tenants', async () => {
    const block = docs.take(DOC, 'OTEL_SERVICE_NAME=support-agent');
    const [vars] = shellCommands(block.code);
    expect(vars!.argv).toEqual([]);
    // The paragraph below the block names the example that does this.
    await run(
      { env: vars!.env, argv: ['node', 'examples/otel-env'] },
      await server.createKey('ingest'),
    );
    await expect
      .poll(async () => [...(await runsOf('acme')), ...(await runsOf('globex'))].length)
      .toBe(2);
    for (const r of [...(await runsOf('acme')), ...(await runsOf('globex'))]) {
      expect(r.serviceName).toBe('support-agent');
    }
  });

  it('Third-party instrumentation: each example line adds an acme run whose tool call failed and a clean globex run', async () => {
    const block = docs.take(DOC, 'export OTEL_EXPORTER_OTLP_ENDPOINT=');
    const cmds = shellCommands(block.code);
    expect(cmds.map((c) => c.argv[1])).toContain('examples/openai-agents');
    const toolErrors = async (tenant: string) =>
      (await runsOf(tenant)).reduce((n, r) => n + r.toolErrors, 0);
    let before = { acme: (await runsOf('acme')).length, globex: (await runsOf('globex')).length };
    let acmeErrors = await toolErrors('acme');
    const globexErrors = await toolErrors('globex');
    for (const cmd of cmds) {
      await run(cmd, server.ingestKey);
      const want = { acme: before.acme + 1, globex: before.globex + 1 };
      const what = cmd.argv.join(' ');
      await expect
        .poll(
          async () => ({
            acme: (await runsOf('acme')).length,
            globex: (await runsOf('globex')).length,
          }),
          {
            timeout: 10_000,
            message: what,
          },
        )
        .toEqual(want);
      // "tenant acme (its search_web tool call fails) and tenant globex"
      expect(await toolErrors('acme'), what).toBe(acmeErrors + 1);
      expect(await toolErrors('globex'), what).toBe(globexErrors);
      acmeErrors += 1;
      expect(await runsOf('_unassigned'), what).toEqual([]);
      before = want;
    }
  });
});

describe('docs/security.md', () => {
  it('Operators: Prometheus with the scrape config and an unbound read key gets /metrics; a bound one does not', async () => {
    const block = docs.take('docs/security.md', 'scrape_configs:');
    const job = (
      parseYaml(block.code) as {
        scrape_configs: Array<{
          authorization: { type?: string; credentials_file: string };
          static_configs: Array<{ targets: string[] }>;
        }>;
      }
    ).scrape_configs[0]!;
    // Prometheus sends the file's contents as `Authorization: <type, Bearer by default> <key>`.
    const type = job.authorization.type ?? 'Bearer';
    expect(job.static_configs[0]!.targets).toEqual(['tenantry:4318']);
    const scrape = async (key: string) =>
      fetch(`${server.url}/metrics`, { headers: { authorization: `${type} ${key}` } });
    const unbound = await scrape(await server.createKey('read'));
    expect(unbound.status).toBe(200);
    expect(await unbound.text()).toContain('tenantry_ingested_items_total');
    expect((await scrape(await server.createKey('read', 'acme'))).status).toBe(403);
  });
});

describe('every block of docs/integrations.md, docs/security.md and docs/errors.md', () => {
  it('is run above or says why it is not', () => {
    expect(docs.uncovered()).toEqual([]);
  });
});
