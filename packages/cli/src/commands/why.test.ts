import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  exportSpans,
  recordRun,
  recordSpans,
  traceExporter,
} from '../../../../test/helpers/otlp.js';
import { startTestServer, type TestServer } from '../../../../test/helpers/server.js';
import type { CliIo } from '../io.js';
import { run as why } from './why.js';

function io(): CliIo & { out(): string; err(): string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  return { stdin: new PassThrough(), stdout, stderr, out: () => out, err: () => err };
}

describe('tenantry why', () => {
  let server: TestServer;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    server = await startTestServer({ alerts: false });
    env = { TENANTRY_URL: server.url, TENANTRY_ADMIN_KEY: server.adminKey };
    const spans = await recordSpans((t) => {
      for (let i = 0; i < 3; i++) {
        recordRun(t, {
          tenantId: 'why-a',
          failed: true,
          tools: [{ name: 'get_account_data', failed: true }],
        });
      }
      for (let i = 0; i < 5; i++) recordRun(t, { tenantId: 'why-a', tools: [{ name: 'search' }] });
    });
    await exportSpans(traceExporter(server.url, server.ingestKey), spans);
  });
  afterAll(() => server.stop());

  it('prints the suspect and the findings with both sides', async () => {
    const out = io();
    expect(await why(['why-a', '--from', '1h'], out, env)).toBe(0);
    expect(out.out()).toContain('why-a: 3 of 8 runs failed');
    expect(out.out()).toContain(
      'suspect: tool get_account_data failed with ToolError in 3 of 3 failed runs and 0 of 5 passing',
    );
    expect(out.out()).toMatch(/failed\.tool\s+get_account_data\s+3 \(100%\)\s+0 \(0%\)/);
  });

  it('prints the JSON with --json and says so when nothing failed', async () => {
    const json = io();
    expect(await why(['why-a', '--json'], json, env)).toBe(0);
    expect(JSON.parse(json.out())).toMatchObject({ tenantId: 'why-a', failedRuns: 3 });
    const none = io();
    expect(await why(['nobody'], none, env)).toBe(0);
    expect(none.out()).toContain('no failing runs in the range');
  });

  it('needs exactly one tenant', async () => {
    const out = io();
    expect(await why([], out, env)).toBe(2);
    expect(out.err()).toContain('name one tenant');
  });
});
