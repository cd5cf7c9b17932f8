import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseConfig } from '../../packages/server/src/config/config.js';
import { type CodeBlock, codeBlocks, sourceProduct, tenantryCommands } from '../helpers/docs.js';
import { exportSpans, recordRun, recordSpans, traceExporter } from '../helpers/otlp.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * README.md and docs/guide.md, block by block, as a new user runs them in the first hour. Every
 * block is either run against a real server (and checked for what the text promises) or listed in
 * NOT_RUN with the reason; a new block that is neither fails the last test.
 */
const product = sourceProduct;
const README = codeBlocks('README.md');
const GUIDE = codeBlocks('docs/guide.md');

const NOT_RUN: Array<{ file: string; starts: string; why: string }> = [
  {
    file: 'README.md',
    starts: 'npm ci && npm run demo',
    why: 'the long-running demo: packages/cli/src/commands/demo.test.ts runs it',
  },
  { file: 'README.md', starts: 'npm ci && npm test', why: 'the test suite itself' },
  { file: 'README.md', starts: 'agents (@tenantry/sdk', why: 'a diagram, not a command' },
  {
    file: 'docs/guide.md',
    starts: "import { agentRun } from '@tenantry/sdk';\n\napp.post",
    why: "a fragment of the reader's web handler (app, req, supportAgent are theirs)",
  },
  {
    file: 'docs/guide.md',
    starts: 'import { llmCall, memoryOp',
    why: "a fragment: memory, kb, accounts, openai are the reader's; the README block runs the same helpers",
  },
  {
    file: 'docs/guide.md',
    starts: "import { getLogger } from '@tenantry/sdk';",
    why: "a fragment (accountId, age are the reader's); the README block checks the log line",
  },
  {
    file: 'docs/guide.md',
    starts: "import { extract, inject } from '@tenantry/sdk';",
    why: "a fragment (queue, workerUrl, message are the reader's); propagation runs in packages/sdk/src/context/*.test.ts",
  },
];

/** What the README example leaves to the reader, as small stand-ins: a tool and an OpenAI client. */
const README_STANDINS = `
const fetchAccount = async () => ({ plan: 'pro' });
const req = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] };
const openai = { chat: { completions: { create: async () => ({
  model: 'gpt-4o-mini', choices: [{ message: { content: 'hello' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 12, completion_tokens: 3 } }) } } };
`;

/** Puts stand-ins after the snippet's imports (imports must come first in a module). */
function withStandins(code: string, standins: string): string {
  const lines = code.split('\n');
  let last = -1;
  lines.forEach((l, i) => {
    if (/^import\s/.test(l) || (last >= 0 && i === last + 1 && /^\s|^}/.test(l))) last = i;
  });
  return [...lines.slice(0, last + 1), standins, ...lines.slice(last + 1)].join('\n');
}

const find = (blocks: CodeBlock[], starts: string) => {
  const b = blocks.find((x) => x.code.startsWith(starts));
  if (!b) throw new Error(`no block starts with ${JSON.stringify(starts)}`);
  return b;
};

let server: TestServer;
let vars: Record<string, string>;
const covered = new Set<CodeBlock>();
beforeAll(async () => {
  server = await startTestServer({ alerts: false });
  vars = { ADMIN_KEY: server.adminKey };
  // The guide's step 7 and 10 name tenant-b: give it the failed run the text talks about.
  const spans = await recordSpans((t) => {
    recordRun(t, { tenantId: 'tenant-b', failed: true, tools: [{ name: 'get_account_data' }] });
  });
  await exportSpans(traceExporter(server.url, server.ingestKey), spans);
});
afterAll(() => server.stop());

async function runCli(args: string[]) {
  const p = product.cli([...args, '--url', server.url]);
  return { code: await p.exited, out: p.output() };
}

describe('README.md', () => {
  it('Instrument an agent: the example, run as written with no shutdown(), delivers its run', async () => {
    const block = find(README, 'import { agentRun, getLogger, init, llmCall, toolCall }');
    covered.add(block);
    // The one substitution: the documented default address becomes the test server's.
    expect(block.code).toContain("'http://127.0.0.1:4318'");
    const code = block.code.replace("'http://127.0.0.1:4318'", `'${server.url}'`);
    const r = await product.node(withStandins(code, README_STANDINS), {
      TENANTRY_INGEST_KEY: server.ingestKey,
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // "tenant_id, trace_id, span_id on the line"
    expect(JSON.parse(r.stdout.trim().split('\n')[0]!)).toMatchObject({
      tenant_id: 'acme',
      message: 'account loaded',
      trace_id: expect.any(String),
      span_id: expect.any(String),
    });
    const runs = await server.api<{ items: Array<{ toolCalls: number; llmCalls: number }> }>(
      '/api/v1/runs?tenant=acme',
    );
    expect(runs.body.items).toHaveLength(1);
    expect(runs.body.items[0]).toMatchObject({ toolCalls: 1, llmCalls: 1 });
  });
});

describe('docs/guide.md', () => {
  it('0. `npx tenantry up` prints the admin and platform ingest keys on the first start', async () => {
    const block = find(GUIDE, 'npm install @tenantry/sdk');
    covered.add(block);
    // `npm install` is the packed-install harness's to run; here the SDK is the checkout's.
    const [up] = tenantryCommands(block.code, vars);
    expect(up).toEqual(['up']);
    const dataDir = mkdtempSync(join(tmpdir(), 'tenantry-docs-'));
    const p = product.cli([...up!, '--port', '0', '--data-dir', dataDir]);
    await p.waitFor(/platform ingest key:\s+tnt_\S+/);
    expect(p.output()).toMatch(/admin key:\s+tnt_/);
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('1. init() with the documented options starts with no warning', async () => {
    const block = find(GUIDE, "import { init } from '@tenantry/sdk';");
    covered.add(block);
    const r = await product.node(block.code, { TENANTRY_INGEST_KEY: server.ingestKey });
    expect(r).toMatchObject({ code: 0, stderr: '' });
  });

  it('6. doctor: prints each finding and exits 0 without a critical one', async () => {
    const block = find(GUIDE, 'npx tenantry doctor');
    covered.add(block);
    const [cmd] = tenantryCommands(block.code, vars);
    expect(cmd).toContain('--wait');
    // The 60 s wait itself is tested in packages/cli/src/commands/first-hour.test.ts.
    const r = await runCli([...cmd!, '--grace', '0s']);
    expect(r.out).toContain('ok   mixed_tenant_trace: 0');
    expect(r.code).toBe(0);
  });

  it("7. query runs finds tenant-b's failed run; the trace line shows its tree", async () => {
    const block = find(GUIDE, 'npx tenantry query runs');
    covered.add(block);
    const [runs, traceCmd] = tenantryCommands(block.code, vars);
    const listed = await runCli([...runs!, '--json']);
    expect(listed.code).toBe(0);
    const traceId = (JSON.parse(listed.out) as { items: Array<{ traceId: string }> }).items[0]!
      .traceId;
    const tree = await runCli(traceCmd!.map((a) => (a === '<traceId>' ? traceId : a)));
    expect(tree.code).toBe(0);
    expect(tree.out).toContain('execute_tool get_account_data');
    // The curl line needs a real `from=`: the API itself is tested in packages/server.
  });

  it('9. the alerts block is a valid tenantry.yaml', () => {
    const block = find(GUIDE, 'alerts:');
    covered.add(block);
    expect(() => parseConfig(parseYaml(block.code) as Record<string, unknown>)).not.toThrow();
  });

  it('10. keys create makes a read key bound to tenant-b', async () => {
    const block = find(GUIDE, 'npx tenantry keys create');
    covered.add(block);
    const [cmd] = tenantryCommands(block.code, vars);
    const r = await runCli(cmd!);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/created read key \S+ for tenant tenant-b\nsecret \(shown once\): tnt_/);
  });
});

describe('docs/guide.md, change events', () => {
  it('11. events create marks a deploy for tenant-b; events list shows it', async () => {
    const block = find(GUIDE, 'npx tenantry events create');
    covered.add(block);
    const [create, list] = tenantryCommands(block.code, vars);
    const created = await runCli(create!);
    expect(created.code).toBe(0);
    expect(created.out).toMatch(
      /^created evt_\S+: deploy 'support-platform 1\.8\.0' at .+ for tenant-b/,
    );
    const listed = await runCli(list!);
    expect(listed.code).toBe(0);
    expect(listed.out).toMatch(/deploy\s+support-platform 1\.8\.0\s+support-platform\s+1\.8\.0/);
  });
});

describe('every block of README.md and docs/guide.md', () => {
  it('is run above or says why it is not', () => {
    for (const n of NOT_RUN) {
      const blocks = n.file === 'README.md' ? README : GUIDE;
      covered.add(find(blocks, n.starts));
    }
    const left = [...README, ...GUIDE].filter((b) => !covered.has(b));
    expect(left.map((b) => `${b.file}:${b.line} (${b.heading})`)).toEqual([]);
  });
});
