import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnScript } from '../../../../test/helpers/process.js';
import { startTestServer, type TestServer } from '../../../../test/helpers/server.js';

const APP = 'packages/sdk/src/__fixtures__/exit-app.ts';
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});

const env = () => ({
  OTEL_EXPORTER_OTLP_ENDPOINT: server.url,
  TENANTRY_INGEST_KEY: server.ingestKey,
});

async function runsOf(tenant: string): Promise<number> {
  const r = await server.api<{ items: unknown[] }>(`/api/v1/runs?tenant=${tenant}`);
  return r.body.items.length;
}

function exitOf(app: ReturnType<typeof spawnScript>) {
  return new Promise<{ code: number | null; signal: string | null }>((resolve) => {
    if (app.child.exitCode !== null || app.child.signalCode !== null) {
      resolve({ code: app.child.exitCode, signal: app.child.signalCode });
    } else app.child.on('exit', (code, signal) => resolve({ code, signal }));
  });
}

describe('flush at exit', () => {
  it('delivers the run of a script that returns without calling shutdown()', async () => {
    const app = spawnScript(APP, ['exit-return', 'return'], env());
    expect(await exitOf(app)).toEqual({ code: 0, signal: null });
    expect(await runsOf('exit-return')).toBe(1);
    expect(app.output()).not.toContain('[tenantry]');
  });

  it('delivers the run on SIGTERM, then ends by the signal as it would have', async () => {
    const app = spawnScript(APP, ['exit-sigterm', 'wait'], env());
    await app.waitFor(/ready/);
    app.child.kill('SIGTERM');
    expect(await exitOf(app)).toEqual({ code: null, signal: 'SIGTERM' });
    expect(await runsOf('exit-sigterm')).toBe(1);
  });

  it('leaves the exit to an app that handles SIGTERM itself, and still delivers', async () => {
    const app = spawnScript(APP, ['exit-own-handler', 'wait', 'handles'], env());
    await app.waitFor(/ready/);
    app.child.kill('SIGTERM');
    expect(await exitOf(app)).toEqual({ code: 0, signal: null });
    expect(await runsOf('exit-own-handler')).toBe(1);
  });

  it('warns once, naming the endpoint, when nothing could be exported, and still exits', async () => {
    const closed = await closedPort();
    const app = spawnScript(APP, ['exit-lost', 'return', '500'], {
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${closed}`,
      TENANTRY_INGEST_KEY: 'tnt_nothing_listens',
    });
    const { code } = await exitOf(app);
    expect(code).toBe(0);
    const warnings = app.output().match(/\[tenantry\] at exit: .*/g) ?? [];
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/span\(s\).*could not be exported to http:\/\/127\.0\.0\.1:\d+/);
  });
});

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
