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

describe('tenantry keys, query and doctor', () => {
  let server: TestServer;
  let env: NodeJS.ProcessEnv;
  let traceId = '';
  beforeAll(async () => {
    server = await startTestServer({ alerts: false });
    env = { TENANTRY_URL: server.url, TENANTRY_ADMIN_KEY: server.adminKey };
    const spans = await recordSpans((t) => {
      traceId = recordRun(t, {
        tenantId: 'cli-a',
        failed: true,
        tools: [{ name: 'get_account_data', failed: true }],
      });
      recordRun(t, { tenantId: 'cli-b' });
    });
    await exportSpans(traceExporter(server.url, server.ingestKey), spans);
  });
  afterAll(() => server.stop());

  it('creates, lists and revokes a tenant-bound key', async () => {
    const created = io();
    expect(
      await keys(['create', '--kind', 'read', '--tenant', 'cli-a', '--json'], created, env),
    ).toBe(0);
    const { key, secret } = JSON.parse(created.out()) as { key: { id: string }; secret: string };
    expect(secret).toMatch(/^tnt_/);
    const listed = io();
    expect(await keys(['list'], listed, env)).toBe(0);
    expect(listed.out()).toContain(key.id);
    expect(listed.out()).not.toContain(secret);
    expect(await keys(['revoke', key.id], io(), env)).toBe(0);
    const res = await fetch(`${server.url}/api/v1/whoami`, {
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(res.status).toBe(401);
  });

  it('prints runs, a trace tree and tenants as tables or JSON', async () => {
    const runs = io();
    expect(await query(['runs', '--tenant', 'cli-a', '--status', 'error'], runs, env)).toBe(0);
    expect(runs.out()).toContain(traceId);
    const trace = io();
    expect(await query(['trace', traceId], trace, env)).toBe(0);
    expect(trace.out()).toMatch(
      /invoke_agent support[\s\S]*\n {2}execute_tool get_account_data .* ✗/,
    );
    // Users marked cli-a's run wrong: the table counts the feedback and its negative share.
    for (const score of [0, 0, 1]) {
      const res = await fetch(`${server.url}/api/v1/scores`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ tenantId: 'cli-a', traceId, score }),
      });
      expect(res.status).toBe(201);
    }
    const table = io();
    expect(await query(['tenants'], table, env)).toBe(0);
    const [head, ...rows] = table.out().trim().split('\n');
    expect(head).toMatch(/tool err\s+feedback \(neg\)$/);
    expect(rows.find((r) => r.startsWith('cli-a'))).toMatch(/\s3 \(66\.7%\)$/);
    expect(rows.find((r) => r.startsWith('cli-b'))).toMatch(/\s-$/);
    const tenants = io();
    expect(await query(['tenants', '--json'], tenants, env)).toBe(0);
    const parsed = JSON.parse(tenants.out()) as { items: Array<{ tenantId: string }> };
    expect(parsed.items.map((t) => t.tenantId).sort()).toEqual(['cli-a', 'cli-b']);
  });

  it('exits non-zero with a clear message on bad input', async () => {
    const bad = io();
    expect(await query(['runs', '--limit', '0'], bad, env)).toBe(1);
    expect(bad.err()).toContain('TENANTRY_E_INVALID_REQUEST');
    const usage = io();
    expect(await query(['nonsense'], usage, env)).toBe(2);
    expect(usage.err()).toContain("unknown query 'nonsense'");
    const noKey = io();
    expect(await keys(['list'], noKey, { TENANTRY_URL: server.url })).toBe(1);
    expect(noKey.err()).toContain('no API key');
  });

  it('doctor reports a clean fleet and exits 0', async () => {
    const out = io();
    expect(await doctor([], out, env)).toBe(0);
    expect(out.out()).toContain('ok   mixed_tenant_trace: 0');
  });
});
