import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  exportSpans,
  recordRun,
  recordSpans,
  traceExporter,
} from '../../../../test/helpers/otlp.js';
import { startTestServer, type TestServer } from '../../../../test/helpers/server.js';
import { captureIo } from '../io.test-helper.js';
import { run as doctor } from './doctor.js';
import { run as keys } from './keys.js';
import { run as query } from './query.js';

const io = captureIo;

let server: TestServer;
let env: NodeJS.ProcessEnv;
let okTrace = '';
beforeAll(async () => {
  server = await startTestServer({ alerts: false });
  env = { TENANTRY_URL: server.url, TENANTRY_ADMIN_KEY: server.adminKey };
  const spans = await recordSpans((t) => {
    okTrace = recordRun(t, { tenantId: 'fh-a' }); // root status unset, the OTel default
    recordRun(t, { tenantId: 'fh-a', failed: true });
  });
  await exportSpans(traceExporter(server.url, server.ingestKey), spans);
});
afterAll(() => server.stop());

describe('CLI edges a new user hits', () => {
  it('counts a run whose root status is unset as ok, and not as error', async () => {
    const ok = io();
    expect(await query(['runs', '--tenant', 'fh-a', '--status', 'ok', '--json'], ok, env)).toBe(0);
    const items = (JSON.parse(ok.out()) as { items: Array<{ traceId: string }> }).items;
    expect(items.map((r) => r.traceId)).toEqual([okTrace]);
  });

  it('says a tenant is unknown instead of printing an empty table', async () => {
    const out = io();
    expect(await query(['runs', '--tenant', 'nosuch'], out, env)).toBe(1);
    expect(out.err()).toContain("TENANTRY_E_UNKNOWN_TENANT: no tenant 'nosuch'");
  });

  it('explains the times it accepts, and accepts relative and short ISO times', async () => {
    const bad = io();
    expect(await query(['runs', '--from', 'yesterday'], bad, env)).toBe(2);
    expect(bad.err()).toContain("--from 'yesterday' is not a time: use a duration back from now");
    expect(bad.err()).toContain('2026-12-06T10:00Z');
    expect(await query(['runs', '--tenant', 'fh-a', '--from', '1h'], io(), env)).toBe(0);
    const iso = new Date(Date.now() - 3_600_000).toISOString().slice(0, 16);
    expect(await query(['runs', '--tenant', 'fh-a', '--from', `${iso}Z`], io(), env)).toBe(0);
  });

  it('adds http:// to a bare host:port and names a wrong scheme', async () => {
    const bare = server.url.replace('http://', '');
    expect(await query(['tenants', '--url', bare], io(), env)).toBe(0);
    const wrong = io();
    expect(await query(['tenants', '--url', `ftp://${bare}`], wrong, env)).toBe(2);
    expect(wrong.err()).toContain('--url must start with http:// or https://');
  });

  it('validates tenant ids as the server does and flags unusual ones', async () => {
    const control = io();
    expect(await keys(['create', '--kind', 'read', '--tenant', 'a\u0001b'], control, env)).toBe(2);
    expect(control.err()).toContain('--tenant must be 1-128 characters without control');
    const odd = io();
    expect(await keys(['create', '--kind', 'read', '--tenant', 'Bad Tenant!'], odd, env)).toBe(0);
    expect(odd.err()).toContain('matches only items whose tenant.id is exactly "Bad Tenant!"');
  });

  it('reads one variable per key kind and says TENANTRY_API_KEY is no longer read', async () => {
    const legacy = io();
    const legacyEnv = { TENANTRY_URL: server.url, TENANTRY_API_KEY: server.ingestKey };
    expect(await query(['tenants'], legacy, legacyEnv)).toBe(1);
    expect(legacy.err()).toContain('set TENANTRY_ADMIN_KEY or TENANTRY_READ_KEY');
    expect(legacy.err()).toContain('TENANTRY_API_KEY is no longer read');
    const read = await server.createKey('read', 'fh-a');
    const readEnv = { TENANTRY_URL: server.url, TENANTRY_READ_KEY: read };
    expect(await query(['runs', '--tenant', 'fh-a'], io(), readEnv)).toBe(0);
  });
});

describe('tenantry doctor with spans that just arrived', () => {
  beforeAll(async () => {
    // A trace whose child states another tenant: a leak the doctor must report as critical.
    const spans = await recordSpans((t) => {
      const root = t.startSpan('invoke_agent support', { attributes: { 'tenant.id': 'mix-a' } });
      const child = t.startSpan(
        'execute_tool lookup',
        { attributes: { 'tenant.id': 'mix-b' } },
        trace.setSpan(context.active(), root),
      );
      child.setStatus({ code: SpanStatusCode.OK });
      child.end();
      root.end();
    });
    await exportSpans(traceExporter(server.url, server.ingestKey), spans);
  });

  it('prints the window it did not judge, and exits 0 on it by default', async () => {
    const out = io();
    expect(await doctor([], out, env)).toBe(0);
    expect(out.out()).toMatch(/the last 60 s are not judged yet \(run with --wait/);
    expect(out.out()).toContain('ok   mixed_tenant_trace: 0');
  });

  it('judges everything with --grace 0 and exits 1 on the mixed trace', async () => {
    const out = io();
    expect(await doctor(['--grace', '0'], out, env)).toBe(1);
    expect(out.out()).toContain('FAIL mixed_tenant_trace: 1');
  });

  it('waits the grace out with --wait, then exits 1', async () => {
    const out = io();
    expect(await doctor(['--wait', '--grace', '2s'], out, env)).toBe(1);
    expect(out.err()).toContain('waiting 2 s');
    expect(out.out()).toContain('FAIL mixed_tenant_trace: 1');
  });

  it('exits 3 for an unknown tenant and 2 for a bad flag', async () => {
    const unknown = io();
    expect(await doctor(['--tenant', 'nosuch'], unknown, env)).toBe(3);
    expect(unknown.err()).toContain("tenant 'nosuch' has no data");
    expect(await doctor(['--grace', 'soon'], io(), env)).toBe(2);
  });
});
