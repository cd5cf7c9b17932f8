import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CodeBlock,
  codeBlocks,
  type Product,
  packedProduct,
  tenantryCommands,
} from '../helpers/docs.js';
import { exportSpans, recordRun, recordSpans, traceExporter } from '../helpers/otlp.js';
import type { CliProcess } from '../helpers/process.js';
import { packedInstall, spawnIn, stopUnderNpx } from './install.js';

/**
 * The package READMEs (what a registry shows), block by block, against the packed product: the
 * packages installed from their tarballs. Each block is run and checked for what its text says,
 * or listed in NOT_RUN with the reason; a block that is neither fails the last test.
 */
const FILES = ['cli', 'redact', 'sdk', 'server', 'ui'].map((p) => `packages/${p}/README.md`);
const BLOCKS = FILES.flatMap((f) => codeBlocks(f));

const NOT_RUN: Array<{ file: string; starts: string; why: string }> = [
  ...['redact', 'sdk', 'server'].map((p) => ({
    file: `packages/${p}/README.md`,
    starts: 'npm install @tenantry/',
    why: 'a registry install: packedInstall() installs the same package from its tarball',
  })),
  {
    file: 'packages/sdk/README.md',
    starts: "import { extract, inject } from '@tenantry/sdk';",
    why: "a fragment (queue, message, handle are the reader's); propagation runs in packages/sdk/src/context",
  },
  {
    file: 'packages/sdk/README.md',
    starts: "import { agentRun, recordFeedback } from '@tenantry/sdk';",
    why: "a fragment (userText is the reader's); recordFeedback runs in packages/sdk/src/feedback and, against a server, in alerts/negative-feedback.e2e.test.ts",
  },
  {
    file: 'packages/sdk/README.md',
    starts: "import { NodeSDK } from '@opentelemetry/sdk-node';",
    why: "a fragment for the reader's own NodeSDK (yourBatchProcessor, endpoint are theirs)",
  },
  ...['npm run build -w', 'TENANTRY_URL=', 'npx vitest run'].map((starts) => ({
    file: 'packages/ui/README.md',
    starts,
    why: 'the private dashboard package: commands of this repository, run by npm run build and npm test',
  })),
];

let product: Product;
let dir: string;
const covered = new Set<CodeBlock>();
beforeAll(async () => {
  product = await packedProduct();
  dir = (await packedInstall()).dir;
}, 180_000);

const find = (file: string, starts: string) => {
  const b = BLOCKS.find((x) => x.file === file && x.code.startsWith(starts));
  if (!b) throw new Error(`${file}: no block starts with ${JSON.stringify(starts)}`);
  covered.add(b);
  return b;
};

/** Starts `up` as written, on a free port (the one substitution) and waits for its URL. */
async function up(args: string[]): Promise<{ p: CliProcess; url: string }> {
  const at = args.indexOf('--port');
  const argv = at >= 0 ? args.map((a, i) => (i === at + 1 ? '0' : a)) : [...args, '--port', '0'];
  const p = product.cli(argv);
  return { p, url: (await p.waitFor(/listening on (http:\/\/\S+)/, 60_000))[1]! };
}

describe('packages/cli/README.md', () => {
  it('npm install tenantry, then npx tenantry up: the dashboard is served', async () => {
    const block = find('packages/cli/README.md', 'npm install tenantry');
    const [cmd] = tenantryCommands(block.code, {});
    expect(cmd).toEqual(['up']);
    const data = mkdtempSync(join(dir, 'readme-up-'));
    const { p, url } = await up([...cmd!, '--data-dir', data]);
    const home = await fetch(`${url}/`);
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('<div id="root">');
    expect(await stopUnderNpx(p)).toBe(0);
    rmSync(data, { recursive: true, force: true });
  });

  it('the command tour: keys, queries, doctor and redact work as written against up', async () => {
    const block = find('packages/cli/README.md', 'tenantry up --port');
    const cmds = tenantryCommands(block.code, {});
    // `--data-dir ./.tenantry`: relative to the install, emptied first (a killed run's stays).
    rmSync(join(dir, '.tenantry'), { recursive: true, force: true });
    const server = await up(cmds[0]!);
    const env = { TENANTRY_URL: server.url, TENANTRY_ADMIN_KEY: '' };
    const run = async (args: string[], input?: string) => {
      const p =
        input === undefined
          ? product.cli(args, env)
          : spawnIn(dir, 'npx', ['--no-install', 'tenantry', ...args], env, input);
      return { code: await p.exited, out: p.output() };
    };
    try {
      env.TENANTRY_ADMIN_KEY = (await server.p.waitFor(/admin key:\s+(tnt_\S+)/))[1]!;
      const byName = (name: string) => cmds.filter((c) => c.slice(0, 2).join(' ') === name);
      const [ingestKey, readKey] = byName('keys create');
      const ingest = await run(ingestKey!);
      expect(ingest.code, ingest.out).toBe(0);
      expect((await run(readKey!)).code).toBe(0);
      // The acme ingest key sends a failed run for the queries below.
      const secret = ingest.out.match(/tnt_\S+/)![0];
      let traceId = '';
      const spans = await recordSpans((t) => {
        traceId = recordRun(t, { tenantId: 'acme', failed: true, tools: [{ name: 'lookup' }] });
      });
      await exportSpans(traceExporter(server.url, secret), spans);
      const runs = await run(byName('query runs')[0]!);
      expect(runs.code, runs.out).toBe(0);
      expect(runs.out).toContain(traceId);
      const trace = await run(
        byName('query trace')[0]!.map((a) => (a === '<traceId>' ? traceId : a)),
      );
      expect(trace.code, trace.out).toBe(0);
      expect(trace.out).toContain('invoke_agent');
      const doctor = await run(byName('doctor --tenant')[0]!);
      expect(doctor.code, doctor.out).toBe(0);
      const echo = block.code.match(/^echo '([^']*)' \| tenantry redact$/m)!;
      const redacted = await run(['redact'], `${echo[1]}\n`);
      expect(redacted.code).toBe(0);
      expect(redacted.out).not.toContain('jane@example.com');
      expect(redacted.out).toContain('[REDACTED:EMAIL]');
      // The last line, the demo, is test/packaging/packed.test.ts's (it runs for its --duration).
      expect(cmds.at(-1)).toEqual(['demo', '--with-server']);
    } finally {
      expect(await stopUnderNpx(server.p)).toBe(0);
      rmSync(join(dir, '.tenantry'), { recursive: true, force: true });
    }
  }, 120_000);
});

describe('packages/redact/README.md', () => {
  it('the createRedactor example gives the values and counts its comments show', async () => {
    const block = find(
      'packages/redact/README.md',
      "import { createRedactor } from '@tenantry/redact';",
    );
    const r = await product.node(
      `${block.code}\nconsole.log(JSON.stringify({ value, findings }));`,
      {
        TENANTRY_REDACT_HASH_KEY: 'a readme hash key, 16+ chars',
      },
    );
    expect(r.stderr).toBe('');
    const { value, findings } = JSON.parse(r.stdout) as {
      value: { prompt: string; headers: Record<string, string>; args: string };
      findings: Record<string, number>;
    };
    expect(value.prompt).toMatch(/^Refund \*\*\*\*1111 and mail \[EMAIL:[0-9a-f]{8}\]$/);
    expect(value.headers).toEqual({ 'X-Api-Key': '[REDACTED:SENSITIVE_KEY]', accept: 'json' });
    expect(value.args).toBe('{"phone":"[REDACTED:PHONE]"}');
    expect(findings).toEqual({ CREDIT_CARD: 1, EMAIL: 1, SENSITIVE_KEY: 1, PHONE: 1 });
  });

  it('the policy YAML is a valid policy for the installed package', async () => {
    const block = find('packages/redact/README.md', 'defaultAction: redact');
    const src = `import { parse } from 'yaml';\nimport { createRedactor } from '@tenantry/redact';\ncreateRedactor(parse(${JSON.stringify(block.code)}));\nconsole.log('ok');`;
    expect(await product.node(src)).toMatchObject({ code: 0, stdout: 'ok\n', stderr: '' });
  });
});

describe('packages/sdk/README.md', () => {
  it('the example prints its answer and a log line with the fields the Logs section shows', async () => {
    const block = find(
      'packages/sdk/README.md',
      "import { agentRun, getLogger, init, llmCall, toolCall } from '@tenantry/sdk';",
    );
    const shape = find('packages/sdk/README.md', '{\n  "level": "warn"');
    const r = await product.node(block.code);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toContain('Your order has shipped.');
    const line = r.stdout.split('\n').find((l) => l.includes('"order looked up"'))!;
    const fields = Object.keys(JSON.parse(line) as object);
    const documented = Object.keys(JSON.parse(shape.code) as object).filter(
      (k) => !k.startsWith('tokens_'),
    );
    expect(fields).toEqual(expect.arrayContaining(documented));
  });
});

describe('packages/server/README.md', () => {
  it('the library example starts a server, prints its keys once and lists tenants', async () => {
    const block = find(
      'packages/server/README.md',
      "import { startServer } from '@tenantry/server';",
    );
    const r = await product.node(block.code);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^http:\/\/127\.0\.0\.1:\d+ \{/);
    expect(r.stdout).toMatch(/admin: 'tnt_/);
    expect(r.stdout).toContain('items');
  });
});

describe('coverage', () => {
  it('runs every block of the package READMEs or says why not', () => {
    const listed = (b: CodeBlock) =>
      NOT_RUN.some((n) => n.file === b.file && b.code.startsWith(n.starts));
    const neither = BLOCKS.filter((b) => !covered.has(b) && !listed(b));
    expect(neither.map((b) => `${b.file}:${b.line}`)).toEqual([]);
    const both = BLOCKS.filter((b) => covered.has(b) && listed(b));
    expect(both.map((b) => `${b.file}:${b.line}`)).toEqual([]);
  });
});

afterAll(() => {
  // The install stays for the other packaging tests (test/packaging/install.ts).
});
