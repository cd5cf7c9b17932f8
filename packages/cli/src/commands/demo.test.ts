import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type {
  AlertsResponse,
  DoctorResponse,
  Page,
  RunSummary,
  ScoresResponse,
  TenantsResponse,
  TraceResponse,
  WhyResponse,
} from '@tenantry/server';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../io.js';
import { run } from './demo.js';

/**
 * The demo is the end-to-end test: real SDK in two forked services, real OTLP, the real server.
 * It runs in-process (the server lives in this test's process) so the API can be asked while the
 * live phase is still going; the agents run in forked processes as they do under `npm run demo`.
 */
describe('tenantry demo --with-server --duration 20s', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tenantry-demo-test-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('tells tenant-b incident and tenant-d runaway through the API, with clean traces', async () => {
    const stdout = new PassThrough();
    let out = '';
    stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const io: CliIo = { stdin: new PassThrough(), stdout, stderr: stdout };
    const exit = run(
      ['--with-server', '--port', '0', '--data-dir', dataDir, '--duration', '20s'],
      io,
    );
    const live = await waitFor(
      () => /live traffic running/.test(out),
      75_000,
      () => out,
    );
    expect(live).toBe(true);
    const url = /server on (http:\/\/\S+)/.exec(out)?.[1] ?? '';
    const admin = /admin key\s+(tnt_\S+)/.exec(out)?.[1] ?? '';
    expect(out).toContain(`${url}/?key=${admin}`);
    const api = async <T>(path: string): Promise<T> => {
      const res = await fetch(`${url}/api/v1${path}`, {
        headers: { authorization: `Bearer ${admin}` },
      });
      const text = await res.text();
      expect(res.status, `${path}: ${text}`).toBe(200);
      return JSON.parse(text) as T;
    };

    // B's failure-rate alert fires (evaluated every 5 s with a 5 s `for` in the demo config).
    let alerts: AlertsResponse = { items: [] };
    await waitFor(async () => {
      alerts = await api<AlertsResponse>('/alerts?state=firing');
      return alerts.items.some((a) => a.tenantId === 'tenant-b' && a.ruleKind === 'failure_rate');
    }, 18_000);
    const failureRate = alerts.items.find(
      (a) => a.tenantId === 'tenant-b' && a.ruleId === 'default.failure-rate',
    );
    expect(failureRate?.state).toBe('firing');
    expect(failureRate?.value).toBeGreaterThan(0.05);

    // D, and only D, has runaway runs; D's tokens spike against its own baseline.
    const runaway = alerts.items.filter((a) => a.ruleKind === 'runaway_run');
    expect(runaway.map((a) => a.tenantId)).toEqual(['tenant-d']);
    // (Only "includes": a sparse tenant's random burst may legitimately be an anomaly too.)
    const anomaly = alerts.items.filter((a) => a.ruleKind === 'token_anomaly');
    expect(anomaly.map((a) => a.tenantId)).toContain('tenant-d');

    // A failing B run: execute_tool get_account_data failed with StaleCacheError in the worker
    // build tenant-b's deploy brought (2.14.0); the cache read in the worker says why.
    const failed = await api<Page<RunSummary>>('/runs?tenant=tenant-b&status=error&limit=20');
    expect(failed.items.length).toBeGreaterThan(0);
    const stale = failed.items.find((r) =>
      r.firstError?.includes('not invalidated since the deploy'),
    );
    expect(stale, JSON.stringify(failed.items.map((r) => r.firstError))).toBeDefined();
    const trace = await api<TraceResponse>(`/traces/${stale?.traceId}`);
    const tool = trace.spans.find((s) => s.name === 'execute_tool get_account_data');
    expect(tool?.status).toBe('error');
    expect(tool?.errorType).toBe('StaleCacheError');
    // The worker's cache read refused an entry older than its 240 s guard.
    const cacheRead = trace.spans.find(
      (s) => s.serviceName === 'demo-worker' && 'tenantry.cache.age_seconds' in s.attributes,
    );
    expect(cacheRead?.errorType).toBe('StaleCacheError');
    expect(Number(cacheRead?.attributes['tenantry.cache.age_seconds'])).toBeGreaterThan(240);
    expect(new Set(trace.spans.map((s) => s.serviceName))).toEqual(
      new Set(['demo-gateway', 'demo-worker']),
    );
    const worker = trace.spans.filter((s) => s.serviceName === 'demo-worker');
    expect(new Set(worker.map((s) => s.resourceAttributes['service.version']))).toEqual(
      new Set(['2.14.0']),
    );
    const logs = trace.spans.flatMap((s) => s.logs).map((l) => l.body);
    expect(logs.some((b) => /not invalidated since the deploy/.test(b))).toBe(true);

    // The deploys are marked through the events API, the regression before the failures began.
    const events = await api<{ items: Array<{ kind: string; version: string | null }> }>(
      `/tenants/tenant-b/events?from=${Date.now() - 2 * 3_600_000}`,
    );
    expect(events.items.map((e) => e.version)).toContain('2.14.0');

    // Users of tenant-b marked the stale answers wrong before its runs began to fail; the phone
    // number in their comment never reached storage.
    const scores = await api<ScoresResponse>(
      `/tenants/tenant-b/scores?from=${Date.now() - 2 * 3_600_000}&limit=500`,
    );
    const wrong = scores.items.filter((s) => s.negative && s.label === 'wrong');
    expect(wrong.length, JSON.stringify(scores.items.slice(0, 5))).toBeGreaterThan(0);
    expect(wrong.every((s) => !s.comment?.includes('555 0132'))).toBe(true);
    // Compared with the incident's own failures: a run may also fail for an unrelated reason
    // (the LLM provider, a tool's retries) at any time, before the deploy too.
    const failures = await api<Page<RunSummary>>(
      `/runs?tenant=tenant-b&status=error&from=${Date.now() - 2 * 3_600_000}&limit=500`,
    );
    const staleFailures = failures.items.filter((r) =>
      r.firstError?.includes('not invalidated since the deploy'),
    );
    const firstFailure = Math.min(...staleFailures.map((r) => Date.parse(r.startTime)));
    const firstWrong = Math.min(...wrong.map((s) => Date.parse(s.time)));
    expect(firstWrong).toBeLessThan(firstFailure);
    expect(firstWrong).toBeLessThan(Date.parse(failureRate?.since ?? ''));

    // "Why is tenant-b failing?" names the tool, the error and the version without a click.
    const why = await api<WhyResponse>(`/tenants/tenant-b/why?from=${Date.now() - 3_600_000}`);
    const finding = (field: string, value: string) =>
      why.findings.find((f) => f.field === field && f.value === value);
    expect(finding('failed.tool', 'get_account_data'), JSON.stringify(why.findings)).toBeDefined();
    expect(finding('error.type', 'StaleCacheError')).toBeDefined();
    expect(finding('service.version', '2.14.0')).toBeDefined();
    expect(why.summary).toMatch(/2\.14\.0/);

    // Propagation across the worker process and the queue leaves no orphans, no mixed traces,
    // and every span and log carries a tenant.
    const from = Date.now() - 2 * 3_600_000;
    const doctor = await api<DoctorResponse>(`/doctor?from=${from}`);
    const count = (kind: string) => doctor.findings.find((f) => f.kind === kind)?.count ?? 0;
    expect(count('orphan_span')).toBe(0);
    expect(count('mixed_tenant_trace')).toBe(0);
    expect(count('missing_tenant')).toBe(0);
    const tenants = await api<TenantsResponse>(`/tenants?from=${from}&limit=100`);
    const ids = tenants.items.map((t) => t.tenantId).sort();
    expect(ids).toEqual([
      'tenant-a',
      'tenant-b',
      'tenant-c',
      'tenant-d',
      'tenant-e',
      'tenant-f',
      'tenant-g',
    ]);
    const unassigned = await api<Page<unknown>>(`/logs?tenant=_unassigned&from=${from}&limit=1`);
    expect(unassigned.items).toEqual([]);

    expect(await exit).toBe(0);
    expect(out).toMatch(/done, \d+ runs/);
  }, 90_000);
});

describe('tenantry demo usage', () => {
  const runWith = async (args: string[]) => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (d: Buffer) => {
      text += d.toString();
    });
    const code = await run(args, { stdin: new PassThrough(), stdout: out, stderr: out });
    return { code, text };
  };

  it('exits 2 with the usage when neither --with-server nor --url is given', async () => {
    const { code, text } = await runWith(['--duration', '5s']);
    expect(code).toBe(2);
    expect(text).toContain('give either --with-server or --url with --key');
    expect(text).toContain('usage: tenantry demo');
  });

  it('exits 2 on a malformed duration and on --url without --key', async () => {
    expect((await runWith(['--with-server', '--duration', 'soon'])).code).toBe(2);
    expect((await runWith(['--url', 'http://127.0.0.1:1'])).text).toContain('--url needs --key');
  });

  it('exits 2 on a --webhook that is not an http(s) URL, or without --with-server', async () => {
    for (const url of ['ftp://127.0.0.1/hook', 'not a url']) {
      const { code, text } = await runWith(['--with-server', '--webhook', url]);
      expect(code).toBe(2);
      expect(text).toContain(`--webhook must be an http:// or https:// URL, got '${url}'`);
    }
    const external = await runWith([
      '--url',
      'http://127.0.0.1:1',
      '--key',
      'k',
      '--webhook',
      'http://127.0.0.1:2/hook',
    ]);
    expect(external.code).toBe(2);
    expect(external.text).toContain('--webhook needs --with-server');
  });
});

async function waitFor(
  check: () => boolean | Promise<boolean>,
  ms: number,
  describe?: () => string,
): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) {
      throw new Error(`condition not met within ${ms} ms${describe ? `:\n${describe()}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}
