import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  exportSpans,
  recordRun,
  recordSpans,
  traceExporter,
} from '../../../../test/helpers/otlp.js';
import { startTestServer, type TestServer } from '../../../../test/helpers/server.js';
import type {
  DoctorResponse,
  LogsResponse,
  Page,
  RunSummary,
  SpansResponse,
  TenantsResponse,
  TimeseriesResponse,
  TraceResponse,
} from './contract.js';

const NOW = Date.now();
const HOUR = 3_600_000;
const RANGE = `from=${NOW - 2 * HOUR}&to=${NOW + 60_000}`;

async function send(server: TestServer, spans: ReadableSpan[], key = server.ingestKey) {
  const r = await exportSpans(traceExporter(server.url, key), spans);
  expect(r.code).toBe(0);
}

async function sendJsonLogs(
  server: TestServer,
  logs: Array<{
    tenant: string;
    body: string;
    traceId?: string;
    spanId?: string;
    severity: number;
    timeMs: number;
  }>,
) {
  const res = await fetch(`${server.url}/v1/logs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.ingestKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      resourceLogs: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'agent' } }] },
          scopeLogs: [
            {
              logRecords: logs.map((l) => ({
                timeUnixNano: String(BigInt(l.timeMs) * 1_000_000n),
                severityNumber: l.severity,
                severityText: l.severity >= 17 ? 'ERROR' : 'INFO',
                body: { stringValue: l.body },
                traceId: l.traceId ?? '',
                spanId: l.spanId ?? '',
                attributes: [{ key: 'tenant.id', value: { stringValue: l.tenant } }],
              })),
            },
          ],
        },
      ],
    }),
  });
  expect(res.status).toBe(200);
}

describe('query API', () => {
  let server: TestServer;
  let readA: string;
  let failedTraceA = '';
  let traceB = '';
  let runSpansB: ReadableSpan[] = [];

  beforeAll(async () => {
    server = await startTestServer({
      alerts: false,
      config: { pricing: { models: { 'gpt-4o-mini': { input: 0.15, output: 0.6 } } } },
    });
    readA = await server.createKey('read', 'qa');
    // Tenant qa: 100 runs with durations 1..100 ms; runs 1..10 fail; 20 tool calls fail.
    const spansA = await recordSpans((t) => {
      for (let i = 1; i <= 100; i++) {
        const traceId = recordRun(t, {
          tenantId: 'qa',
          startMs: NOW - HOUR + i * 1000,
          durationMs: i,
          failed: i <= 10,
          tools: [{ name: i <= 20 ? 'get_account_data' : 'search_web', failed: i <= 20 }],
          userId: i === 50 ? 'user-erase-me' : 'user-keep',
        });
        if (i === 10) failedTraceA = traceId;
      }
    });
    await send(server, spansA);
    // Tenant qb: an unpriced model; its trace is what A will try to read.
    runSpansB = await recordSpans((t) => {
      traceB = recordRun(t, {
        tenantId: 'qb',
        model: 'mystery-model',
        inputTokens: 1000,
        outputTokens: 10,
      });
    });
    await send(server, runSpansB);
    const rootA = spansA.find(
      (s) => s.spanContext().traceId === failedTraceA && !s.parentSpanContext,
    )!;
    const toolA = spansA.find(
      (s) => s.spanContext().traceId === failedTraceA && s.name.startsWith('execute_tool'),
    )!;
    await sendJsonLogs(server, [
      {
        tenant: 'qa',
        body: 'get_account_data returned a 48h old cache entry',
        traceId: failedTraceA,
        spanId: toolA.spanContext().spanId,
        severity: 17,
        timeMs: NOW - HOUR + 1000,
      },
      {
        tenant: 'qa',
        body: 'run started',
        traceId: failedTraceA,
        spanId: rootA.spanContext().spanId,
        severity: 9,
        timeMs: NOW - HOUR + 1000,
      },
      {
        tenant: 'qb',
        body: 'secret plans of tenant qb',
        traceId: traceB,
        severity: 9,
        timeMs: NOW - 1000,
      },
    ]);
  });
  afterAll(() => server.stop());

  it('computes exact run quantiles, failure and tool error rates, tokens and cost per tenant', async () => {
    const { body } = await server.api<TenantsResponse>(`/api/v1/tenants?${RANGE}&sort=tenant`);
    const a = body.items.find((t) => t.tenantId === 'qa')!;
    expect(a.runs).toBe(100);
    expect(a.failedRuns).toBe(10);
    expect(a.failureRate).toBeCloseTo(0.1, 10);
    expect(a.runLatencyMs.p50).toBeCloseTo(50.5, 6);
    expect(a.runLatencyMs.p95).toBeCloseTo(95.05, 6);
    expect(a.runLatencyMs.p99).toBeCloseTo(99.01, 6);
    expect(a.llmCalls).toBe(100);
    expect(a.inputTokens).toBe(10_000);
    expect(a.outputTokens).toBe(2_000);
    expect(a.cost.usd).toBeCloseTo(0.0027, 10);
    expect(a.cost.unpricedModels).toEqual([]);
    expect(a.toolCalls).toBe(100);
    expect(a.toolErrorRate).toBeCloseTo(0.2, 10);
    const b = body.items.find((t) => t.tenantId === 'qb')!;
    expect(b.cost).toEqual({ usd: 0, unpricedModels: ['mystery-model'] });
    expect(body.fleet.inputTokens).toBe(11_000);
  });

  it('searches and pages through tenants', async () => {
    const first = await server.api<TenantsResponse>(`/api/v1/tenants?${RANGE}&sort=tenant&limit=1`);
    expect(first.body.items.map((t) => t.tenantId)).toEqual(['qa']);
    const second = await server.api<TenantsResponse>(
      `/api/v1/tenants?${RANGE}&sort=tenant&limit=1&cursor=${first.body.nextCursor}`,
    );
    expect(second.body.items.map((t) => t.tenantId)).toEqual(['qb']);
    const search = await server.api<TenantsResponse>(`/api/v1/tenants?${RANGE}&q=b`);
    expect(search.body.items.map((t) => t.tenantId)).toEqual(['qb']);
  });

  it('returns aligned timeseries and daily totals', async () => {
    const ts = await server.api<TimeseriesResponse>(
      `/api/v1/tenants/qa/timeseries?metrics=runs,failure_rate,tokens_input,cost,tool_error_rate&${RANGE}&step=600`,
    );
    expect(ts.status).toBe(200);
    const runs = ts.body.series.runs!;
    expect(runs.length).toBe(ts.body.timestamps.length);
    expect(runs.reduce<number>((s, v) => s + (v ?? 0), 0)).toBe(100);
    expect(ts.body.timestamps.every((t) => t % 600_000 === 0)).toBe(true);
    const daily = await server.api<TimeseriesResponse>(
      `/api/v1/tenants/qa/timeseries?metrics=tokens_input,tokens_output,cost&${RANGE}&step=1d`,
    );
    expect(daily.body.stepSeconds).toBe(86_400);
    expect(daily.body.series.tokens_input!.reduce<number>((s, v) => s + (v ?? 0), 0)).toBe(10_000);
  });

  it('lists runs with duration, status, tokens, tool errors and the first error', async () => {
    const failed = await server.api<Page<RunSummary>>(
      `/api/v1/runs?tenant=qa&status=error&${RANGE}&limit=100`,
    );
    expect(failed.body.items).toHaveLength(10);
    const first = failed.body.items.find((r) => r.traceId === failedTraceA)!;
    expect(first).toMatchObject({
      status: 'error',
      inputTokens: 100,
      outputTokens: 20,
      toolCalls: 1,
      toolErrors: 1,
    });
    expect(first.firstError).toBe('answer failed validation');
    const slow = await server.api<Page<RunSummary>>(
      `/api/v1/runs?tenant=qa&minDurationMs=91&${RANGE}&limit=100`,
    );
    expect(slow.body.items).toHaveLength(10);
    const page1 = await server.api<Page<RunSummary>>(`/api/v1/runs?tenant=qa&${RANGE}&limit=60`);
    const page2 = await server.api<Page<RunSummary>>(
      `/api/v1/runs?tenant=qa&${RANGE}&limit=60&cursor=${page1.body.nextCursor}`,
    );
    expect(page1.body.items.length + page2.body.items.length).toBe(100);
    expect(page2.body.nextCursor).toBeNull();
  });

  it('returns a whole trace with span logs and tokens summed per run', async () => {
    const { status, body } = await server.api<TraceResponse>(`/api/v1/traces/${failedTraceA}`);
    expect(status).toBe(200);
    expect(body.tenantId).toBe('qa');
    expect(body.spans.map((s) => s.category).sort()).toEqual(['agent', 'llm', 'tool']);
    const tool = body.spans.find((s) => s.category === 'tool')!;
    expect(tool.status).toBe('error');
    expect(tool.logs.map((l) => l.body)).toEqual([
      'get_account_data returned a 48h old cache entry',
    ]);
    expect(body.runs).toEqual([{ spanId: expect.any(String), inputTokens: 100, outputTokens: 20 }]);
  });

  it('finds the runs that called a tool and failed, and filters by attribute', async () => {
    const r = await server.api<SpansResponse>(
      `/api/v1/spans?tenant=qa&tool=get_account_data&status=error&${RANGE}&limit=100`,
    );
    expect(r.body.items).toHaveLength(20);
    // The same as a why finding: the runs whose get_account_data call failed.
    const runs = await server.api<Page<RunSummary>>(
      `/api/v1/runs?tenant=qa&field=failed.tool&value=get_account_data&${RANGE}&limit=100`,
    );
    expect(new Set(runs.body.items.map((x) => x.traceId))).toEqual(
      new Set(r.body.items.map((x) => x.traceId)),
    );
    const byAttr = await server.api<SpansResponse>(
      `/api/v1/spans?tenant=qa&attr.gen_ai.tool.name=search_web&${RANGE}&limit=100`,
    );
    expect(byAttr.body.items).toHaveLength(80);
  });

  it('searches logs by text and level, each linked to its trace and span', async () => {
    const r = await server.api<LogsResponse>(`/api/v1/logs?tenant=qa&q=48h&level=error&${RANGE}`);
    expect(r.body.items).toHaveLength(1);
    expect(r.body.items[0]!.traceId).toBe(failedTraceA);
    expect(r.body.items[0]!.spanId).toMatch(/^[0-9a-f]{16}$/);
  });

  it("scopes every route to a tenant-bound read key, answering 404 for the other tenant's ids", async () => {
    const missing = await server.api(`/api/v1/traces/${'0'.repeat(31)}1`, readA);
    const other = await server.api(`/api/v1/traces/${traceB}`, readA);
    expect(other.status).toBe(404);
    expect(other.body).toEqual({
      error: { code: 'TENANTRY_E_NOT_FOUND', message: `trace '${traceB}' not found` },
    });
    expect(missing.status).toBe(404);
    for (const path of [
      `/api/v1/runs?tenant=qb&${RANGE}`,
      `/api/v1/spans?tenant=qb&${RANGE}`,
      `/api/v1/logs?tenant=qb&${RANGE}`,
      `/api/v1/tenants/qb/timeseries?metrics=runs&${RANGE}`,
      `/api/v1/doctor?tenant=qb&${RANGE}`,
    ]) {
      expect((await server.api(path, readA)).status, path).toBe(404);
    }
    const tenants = await server.api<TenantsResponse>(`/api/v1/tenants?${RANGE}`, readA);
    expect(tenants.body.items.map((t) => t.tenantId)).toEqual(['qa']);
    expect(tenants.body.fleet.inputTokens).toBe(10_000);
    const logs = await server.api<LogsResponse>(`/api/v1/logs?${RANGE}&q=secret`, readA);
    expect(logs.body.items).toEqual([]);
    const logsByTrace = await server.api<LogsResponse>(
      `/api/v1/logs?${RANGE}&traceId=${traceB}`,
      readA,
    );
    expect(logsByTrace.body.items).toEqual([]);
    const runs = await server.api<Page<RunSummary>>(`/api/v1/runs?${RANGE}&q=${traceB}`, readA);
    expect(runs.body.items).toEqual([]);
    const deleteAttempt = await server.api('/api/v1/tenants/qb', readA, { method: 'DELETE' });
    expect(deleteAttempt.status).toBe(403);
  });

  it("gives a tenant-bound key its own tenant's fleet totals, whatever the filter or page", async () => {
    const [from, to] = RANGE.split('&').map((p) => BigInt(p.split('=')[1]!) * 1_000_000n);
    const own = await server.storage.fleetTotals({ tenantId: 'qa' }, { fromNs: from!, toNs: to! });
    expect(own.runs).toBe(100);
    const expected = {
      tenants: own.tenants,
      runs: own.runs,
      inputTokens: own.inputTokens,
      outputTokens: own.outputTokens,
      llmTimeMs: own.llmTimeNs / 1e6,
    };
    for (const query of ['', '&q=zz', '&q=qa&sort=tenant', '&limit=1']) {
      const { body } = await server.api<TenantsResponse>(`/api/v1/tenants?${RANGE}${query}`, readA);
      expect(body.fleet, query).toEqual(expected);
    }
    // Its row is the admin page's row for it, quantiles included (read beside the aggregates).
    const admin = await server.api<TenantsResponse>(`/api/v1/tenants?${RANGE}`);
    const bound = await server.api<TenantsResponse>(`/api/v1/tenants?${RANGE}`, readA);
    expect(bound.body.items).toEqual(admin.body.items.filter((t) => t.tenantId === 'qa'));
    expect(bound.body.items[0]!.runLatencyMs.p95).toBeCloseTo(95.05, 6);
    // Another tenant's key: its own totals too, never qa's.
    const readB = await server.createKey('read', 'qb');
    const b = await server.api<TenantsResponse>(`/api/v1/tenants?${RANGE}`, readB);
    expect(b.body.fleet.runs).toBe(1);
    expect(b.body.fleet.inputTokens).toBe(1000);
  });

  it('answers hostile parameters with 400, never a 500 and never an injection', async () => {
    const hostile = [
      `/api/v1/tenants?${RANGE}&sort=${encodeURIComponent('runs; DROP TABLE spans')}`,
      `/api/v1/tenants?from=0&to=${NOW}`,
      `/api/v1/runs?cursor=${encodeURIComponent('bm9wZQ')}`,
      `/api/v1/runs?limit=100000`,
      `/api/v1/runs?limit=-1`,
      `/api/v1/runs?from=yesterday`,
      `/api/v1/spans?${encodeURIComponent("attr.x') OR 1=1 --")}=1`,
      `/api/v1/spans?bogus=1`,
      `/api/v1/logs?level=${encodeURIComponent('🔥')}`,
      `/api/v1/tenants/qa/timeseries?metrics=${encodeURIComponent('runs,(select 1)')}`,
      `/api/v1/tenants/qa/timeseries?metrics=runs&step=1&${RANGE}`,
      `/api/v1/traces/${encodeURIComponent("x' OR '1'='1")}`,
      `/api/v1/runs?field=failed.tool`,
      `/api/v1/runs?value=get_account_data`,
      `/api/v1/runs?field=${encodeURIComponent('name; DROP TABLE spans')}&value=x`,
    ];
    for (const path of hostile) {
      const r = await server.api<{ error?: { code: string } }>(path);
      expect([400, 404], path).toContain(r.status);
      expect(r.body.error?.code, path).toMatch(/^TENANTRY_E_/);
    }
    const injection = await server.api<Page<RunSummary>>(
      `/api/v1/runs?tenant=qa&q=${encodeURIComponent("' OR 1=1 --")}&${RANGE}`,
    );
    expect(injection.body.items).toEqual([]);
    const quoted = await server.api<Page<RunSummary>>(
      `/api/v1/runs?tenant=${encodeURIComponent("qa' OR '1'='1")}&${RANGE}`,
    );
    expect(quoted.body.items).toEqual([]);
    const findingInjection = await server.api<Page<RunSummary>>(
      `/api/v1/runs?tenant=qa&field=tool.name&value=${encodeURIComponent("x' OR '1'='1")}&${RANGE}`,
    );
    expect(findingInjection.body.items).toEqual([]);
    const unicode = await server.api<Page<RunSummary>>(
      `/api/v1/runs?tenant=${encodeURIComponent('テナント😀')}&${RANGE}`,
    );
    expect(unicode.status).toBe(200);
    expect(unicode.body.items).toEqual([]);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('doctor finds planted orphans and a planted mixed-tenant trace', async () => {
    const planted = await recordSpans((t) => {
      recordRun(t, { tenantId: 'doc', startMs: NOW - HOUR, tools: [{ name: 'lost' }] });
    });
    // Drop the root: its children become orphans and the run is cut off without an end.
    const orphans = planted.filter((s) => s.parentSpanContext);
    await send(server, orphans);
    const mixed = await recordSpans((t) => {
      recordRun(t, { tenantId: 'doc', startMs: NOW - HOUR, tools: [{ name: 'leaky' }] });
    });
    const leaked = mixed.map((s) =>
      s.name.startsWith('execute_tool')
        ? Object.assign(Object.create(Object.getPrototypeOf(s)), s, {
            attributes: { ...s.attributes, 'tenant.id': 'doc-other' },
          })
        : s,
    );
    await send(server, leaked);
    const d = await server.api<DoctorResponse>(`/api/v1/doctor?${RANGE}`);
    const byKind = Object.fromEntries(d.body.findings.map((f) => [f.kind, f]));
    expect(byKind.orphan_span!.count).toBe(2);
    expect(byKind.unfinished_run!.count).toBe(1);
    expect(byKind.mixed_tenant_trace!.count).toBe(1);
    expect(byKind.mixed_tenant_trace!.severity).toBe('critical');
    expect(byKind.mixed_tenant_trace!.examples[0]!.traceId).toBe(mixed[0]!.spanContext().traceId);
    const clean = await server.api<DoctorResponse>(`/api/v1/doctor?tenant=qa&${RANGE}`);
    expect(clean.body.findings.every((f) => f.count === 0)).toBe(true);
  });

  it("erases one end user's runs and then a whole tenant, idempotently", async () => {
    const user = await server.api<{ deleted: { spans: number } }>(
      '/api/v1/tenants/qa/users/user-erase-me',
      server.adminKey,
      { method: 'DELETE' },
    );
    expect(user.body.deleted.spans).toBe(3);
    const q = await server.api<Page<RunSummary>>(`/api/v1/runs?tenant=qa&${RANGE}&limit=200`);
    expect(q.body.items).toHaveLength(99);
    const del = await server.api<{ deleted: { spans: number; logs: number } }>(
      '/api/v1/tenants/qb',
      server.adminKey,
      { method: 'DELETE' },
    );
    expect(del.body.deleted).toMatchObject({ spans: 2, logs: 1 });
    const again = await server.api<{ deleted: { spans: number } }>(
      '/api/v1/tenants/qb',
      server.adminKey,
      { method: 'DELETE' },
    );
    expect(again.body.deleted).toEqual({
      spans: 0,
      logs: 0,
      metrics: 0,
      alertEvents: 0,
      scores: 0,
      events: 0,
    });
    expect((await server.api(`/api/v1/traces/${traceB}`)).status).toBe(404);
    const tenants = await server.api<TenantsResponse>(`/api/v1/tenants?${RANGE}`);
    expect(tenants.body.items.find((t) => t.tenantId === 'qb')).toBeUndefined();
    const logs = await server.api<LogsResponse>(`/api/v1/logs?tenant=qb&${RANGE}`);
    expect(logs.body.items).toEqual([]);
  });
});

describe('retention', () => {
  it("deletes each tenant's data older than its retention, on the injected clock", async () => {
    let now = Date.now();
    const server = await startTestServer({
      alerts: false,
      retention: false,
      clock: { now: () => now },
      config: { retention: { defaultDays: 30, tenants: { short: 1 } } },
    });
    try {
      const spans = await recordSpans((t) => {
        recordRun(t, { tenantId: 'short', startMs: now - 2 * 86_400_000 });
        recordRun(t, { tenantId: 'short', startMs: now - 1000 });
        recordRun(t, { tenantId: 'long', startMs: now - 2 * 86_400_000 });
      });
      await exportSpans(traceExporter(server.url, server.ingestKey), spans);
      const report = await server.retention.runOnce();
      expect(report.deleted.spans).toBe(2);
      const range = `from=${now - 3 * 86_400_000}&to=${now + 60_000}`;
      const t = await server.api<TenantsResponse>(`/api/v1/tenants?${range}&sort=tenant`);
      expect(t.body.items.map((x) => [x.tenantId, x.runs])).toEqual([
        ['long', 1],
        ['short', 1],
      ]);
      now += 31 * 86_400_000;
      await server.retention.runOnce();
      const later = await server.api<TenantsResponse>(
        `/api/v1/tenants?from=${now - 40 * 86_400_000}&to=${now}`,
      );
      expect(later.body.items).toEqual([]);
    } finally {
      await server.stop();
    }
  });
});
