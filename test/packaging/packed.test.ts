import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/chromium.js';
import { type PackedInstall, packedInstall, spawnIn, stopUnderNpx } from './install.js';

/**
 * The packed packages are the product: every public package packed, installed from the tarballs
 * into an empty directory outside the repository, and used only from there, as a user would.
 */
let install: PackedInstall;
beforeAll(async () => {
  install = await packedInstall();
}, 180_000);

const ENV = { OTEL_EXPORTER_OTLP_ENDPOINT: '', npm_config_update_notifier: 'false' };
const npx = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  spawnIn(install.dir, 'npx', ['--no-install', 'tenantry', ...args], { ...ENV, ...env });

/** Runs `source` as a file of the app (`.mjs` or `.cjs`) with plain node. */
function runApp(name: string, source: string, env: NodeJS.ProcessEnv): string {
  const dir = mkdtempSync(join(install.dir, 'app-'));
  writeFileSync(join(dir, name), source);
  return execFileSync(process.execPath, [name], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, ...ENV, ...env },
  });
}

const agentApp = (tenant: string) => `
  const tenantry = init({ serviceName: 'packed-app', endpoint: process.env.URL, apiKey: process.env.TENANTRY_INGEST_KEY });
  const log = getLogger();
  await agentRun({ tenantId: '${tenant}', agentId: 'a1', agentName: 'packed' }, async () => {
    await toolCall({ name: 'lookup' }, async () => 'ok');
    log.info('packed run');
  });
  await tenantry.shutdown();
  console.log(JSON.stringify({ exported: tenantry.exportedSpans(), dropped: tenantry.droppedSpans() }));`;

describe('the packed packages, installed from their tarballs', () => {
  it('hold builds, types, READMEs and the dashboard, and no tests, source maps or fixtures', () => {
    const names = install.tarballs.map((t) => t.name).sort();
    expect(names).toEqual(['@tenantry/redact', '@tenantry/sdk', '@tenantry/server', 'tenantry']);
    for (const t of install.tarballs) {
      const files = execFileSync('tar', ['-tzf', t.file], { encoding: 'utf8' }).trim().split('\n');
      expect(files, t.name).toContain('package/README.md');
      expect(files, t.name).toContain('package/LICENSE');
      expect(
        files.filter((f) => /\.test\.|\.map$|__fixtures__|tsbuildinfo|\/src\//.test(f)),
      ).toEqual([]);
      // A guard against shipping what does not belong (node_modules, maps, test data: each adds
      // hundreds of kilobytes); @tenantry/server with its dashboard is about 406 KB now.
      expect(t.bytes, `${t.name} is ${t.bytes} bytes`).toBeLessThan(450_000);
    }
    const server = join(install.dir, 'node_modules', '@tenantry', 'server', 'dist');
    expect(existsSync(join(server, 'ui', 'index.html'))).toBe(true);
    expect(existsSync(join(server, 'index.d.ts'))).toBe(true);
  });

  it('up serves OTLP, the API and the dashboard; the SDK reports from an ESM and a CommonJS app; Chromium shows both', async () => {
    const dataDir = mkdtempSync(join(install.dir, 'data-'));
    const up = npx(['up', '--port', '0', '--data-dir', dataDir]);
    try {
      const url = (await up.waitFor(/listening on (http:\/\/\S+)/))[1]!;
      const ingest = (await up.waitFor(/platform ingest key:\s+(tnt_\S+)/))[1]!;
      const admin = up.output().match(/admin key:\s+(tnt_\S+)/)![1]!;
      const env = { URL: url, TENANTRY_INGEST_KEY: ingest };
      // OTLP/HTTP JSON on each signal's endpoint, with the ingest key.
      for (const signal of ['traces', 'logs', 'metrics']) {
        const res = await fetch(`${url}/v1/${signal}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${ingest}` },
          body: '{}',
        });
        expect(res.status, signal).toBe(200);
      }
      const esm = `import { agentRun, getLogger, init, toolCall } from '@tenantry/sdk';\n${agentApp('esm-co')}`;
      const cjs = `const { agentRun, getLogger, init, toolCall } = require('@tenantry/sdk');\n(async () => {${agentApp('cjs-co')}\n})();`;
      expect(JSON.parse(runApp('app.mjs', esm, env).trim().split('\n').at(-1)!)).toEqual({
        exported: 2,
        dropped: 0,
      });
      expect(JSON.parse(runApp('app.cjs', cjs, env).trim().split('\n').at(-1)!)).toEqual({
        exported: 2,
        dropped: 0,
      });

      const api = async (path: string) => {
        const res = await fetch(`${url}/api/v1${path}`, {
          headers: { authorization: `Bearer ${admin}` },
        });
        expect(res.status, path).toBe(200);
        return (await res.json()) as { items: Array<Record<string, unknown>> };
      };
      for (const tenant of ['esm-co', 'cjs-co']) {
        expect((await api(`/runs?tenant=${tenant}`)).items, tenant).toHaveLength(1);
        const logs = (await api(`/logs?tenant=${tenant}`)).items;
        expect(logs.map((l) => l.body)).toContain('packed run');
      }

      const home = await fetch(`${url}/`);
      expect(home.status).toBe(200);
      expect(home.headers.get('content-type')).toContain('text/html');
      const browser = await launchChromium();
      try {
        const page = await browser.newPage();
        // What the overview was answered, for the failure message. CI twice showed esm-co's row and
        // never cjs-co's although the API had confirmed both runs: the range's end was "now"
        // rounded down to the second, before the run the CJS app had just made in that second.
        const answers: string[] = [];
        page.on('response', (res) => {
          if (!res.url().includes('/api/v1/tenants?')) return;
          res.text().then(
            (body) => answers.push(`${res.status()} ${res.url()} ${body.slice(0, 400)}`),
            () => {},
          );
        });
        await page.goto(`${url}/`);
        await page.getByLabel('API key').fill(admin);
        await page.getByRole('button', { name: 'Sign in' }).click();
        const rows = page.locator('tr[data-tenant]');
        const shown = () =>
          rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-tenant')).sort());
        await expect
          .poll(shown, { timeout: 30_000 })
          .toEqual(['cjs-co', 'esm-co'])
          .catch((err: unknown) => {
            throw new Error(`overview rows; /tenants answered:\n${answers.join('\n')}\n${err}`);
          });
        // A deep link (what alert webhooks carry) opens the app on its page.
        await page.goto(`${url}/tenants/esm-co/runs`);
        await page.locator('.runs-table tbody tr').first().waitFor();
      } finally {
        await browser.close();
      }
    } finally {
      expect(await stopUnderNpx(up)).toBe(0);
      expect(up.output()).toContain('shutting down');
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);

  it('demo runs a live multi-tenant platform against its own server and stops after --duration', async () => {
    const dataDir = join(install.dir, 'demo-data');
    const demo = npx([
      'demo',
      '--with-server',
      '--port',
      '0',
      '--data-dir',
      dataDir,
      '--duration',
      '5s',
      '--backfill',
      '10m',
    ]);
    await demo.waitFor(/live traffic running/, 90_000);
    const url = demo.output().match(/server on (http:\/\/\S+)/)![1]!;
    const admin = demo.output().match(/admin key\s+(tnt_\S+)/)![1]!;
    const res = await fetch(`${url}/api/v1/tenants?from=${Date.now() - 3_600_000}&limit=100`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    const tenants = ((await res.json()) as { items: Array<{ tenantId: string }> }).items;
    expect(tenants.map((t) => t.tenantId)).toContain('tenant-b');
    expect(await demo.exited).toBe(0);
    expect(readdirSync(install.dir)).toContain('node_modules');
  }, 150_000);
});

afterAll(() => {
  // The install is kept for other test files of this run (test/packaging/install.ts).
});
