import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  exportSpans,
  recordRun,
  recordSpans,
  traceExporter,
} from '../../../../test/helpers/otlp.js';
import { startTestServer, type TestServer } from '../../../../test/helpers/server.js';
import { captureIo } from '../io.test-helper.js';
import { run as query } from './query.js';
import { run as why } from './why.js';

const io = captureIo;

describe('tenantry why', () => {
  let server: TestServer;
  let env: NodeJS.ProcessEnv;
  const passing: string[] = [];
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
      for (let i = 0; i < 5; i++) {
        passing.push(recordRun(t, { tenantId: 'why-a', tools: [{ name: 'search' }] }));
      }
    });
    await exportSpans(traceExporter(server.url, server.ingestKey), spans);
    // Users marked two of the passing runs wrong.
    for (const traceId of passing.slice(0, 2)) {
      const res = await server.api('/api/v1/scores', server.adminKey, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ tenantId: 'why-a', traceId, score: 0 }),
      });
      expect(res.status).toBe(201);
    }
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

    // The command it prints lists the runs behind the top finding: the three failing runs.
    const hint = /tenantry query runs (.+)\n$/.exec(out.out())?.[1] ?? '';
    const args = [...hint.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]!);
    expect(args).toEqual(['--tenant', 'why-a', '--status', 'error', '--with', expect.any(String)]);
    const runs = io();
    expect(await query(['runs', ...args, '--json'], runs, env)).toBe(0);
    const listed = JSON.parse(runs.out()) as { items: Array<{ status: string; tenantId: string }> };
    expect(listed.items.map((r) => [r.tenantId, r.status])).toEqual([
      ['why-a', 'error'],
      ['why-a', 'error'],
      ['why-a', 'error'],
    ]);
    const bad = io();
    expect(await query(['runs', '--with', 'failed.tool'], bad, env)).toBe(2);
    expect(bad.err()).toContain('--with takes field=value');
  });

  it('lists a deploy marker of the range among the changes', async () => {
    const marked = await server.api('/api/v1/events', server.adminKey, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'deploy', title: 'agent 2.0.0', tenantId: 'why-b' }),
    });
    expect(marked.status).toBe(201);
    const out = io();
    expect(await why(['why-b', '--from', '1h'], out, env)).toBe(0);
    expect(out.out()).toMatch(/^changed: deploy agent 2\.0\.0 at \S+ \(failure rate - → -\)$/m);
  });

  it('prints the JSON with --json and says so when nothing failed', async () => {
    const json = io();
    expect(await why(['why-a', '--json'], json, env)).toBe(0);
    expect(JSON.parse(json.out())).toMatchObject({ tenantId: 'why-a', failedRuns: 3 });
    const none = io();
    expect(await why(['nobody'], none, env)).toBe(0);
    expect(none.out()).toContain('no failing runs in the range');
  });

  it('compares the runs users scored negatively with the rest with --cohort negative_feedback', async () => {
    const out = io();
    expect(await why(['why-a', '--cohort', 'negative_feedback'], out, env)).toBe(0);
    expect(out.out()).toContain('why-a: 2 of 8 runs scored negatively');
    expect(out.out()).toContain('in 2 of 2 negatively scored runs and 3 of 6 others');
    const bad = io();
    expect(await why(['why-a', '--cohort', 'slow'], bad, env)).toBe(2);
    expect(bad.err()).toContain('--cohort is failed or negative_feedback');
  });

  it('needs exactly one tenant', async () => {
    const out = io();
    expect(await why([], out, env)).toBe(2);
    expect(out.err()).toContain('name one tenant');
  });
});
