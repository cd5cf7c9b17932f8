import { context, type Tracer, trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  exportSpans,
  recordSpans,
  SpanStatusCode,
  traceExporter,
} from '../../../../test/helpers/otlp.js';
import { startTestServer, type TestServer } from '../../../../test/helpers/server.js';
import type { WhyResponse } from './why-contract.js';

const MIN = 60_000;
const NOW = Math.floor(Date.now() / MIN) * MIN;
const RANGE = `from=${NOW - 60 * MIN}&to=${NOW}`;

/**
 * One run as OpenInference instruments it (AGENT root, TOOL child): no tenantry SDK attribute but
 * tenant.id, so the analysis has to work from the typed columns the conventions fill.
 */
function openInferenceRun(tracer: Tracer, tenant: string, startMs: number, stale: boolean) {
  const root = tracer.startSpan('support', {
    startTime: startMs,
    attributes: {
      'tenant.id': tenant,
      'openinference.span.kind': 'AGENT',
      'agent.name': 'support',
    },
  });
  const tool = tracer.startSpan(
    'get_account_data',
    {
      startTime: startMs + 2,
      attributes: { 'openinference.span.kind': 'TOOL', 'tool.name': 'get_account_data' },
    },
    traceCtx(root),
  );
  if (stale) {
    tool.setStatus({ code: SpanStatusCode.ERROR, message: 'cached account is 48h old' });
    tool.setAttribute('error.type', 'StaleCacheError');
    root.setStatus({ code: SpanStatusCode.ERROR, message: 'tool failed' });
  }
  tool.end(startMs + 5);
  root.end(startMs + 40);
}

const traceCtx = (span: Parameters<typeof trace.setSpan>[1]) =>
  trace.setSpan(context.active(), span);

describe('GET /api/v1/tenants/:tenant/why', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ alerts: false });
    const resource = (version: string) => ({
      'service.name': 'support-platform',
      'service.version': version,
      'deployment.environment.name': 'prod',
    });
    const old = await recordSpans((tracer) => {
      for (let i = 0; i < 10; i++)
        openInferenceRun(tracer, 'acme', NOW - (50 - i * 3) * MIN, false);
      openInferenceRun(tracer, 'other', NOW - 30 * MIN, true);
    }, resource('1.7.0'));
    const next = await recordSpans((tracer) => {
      openInferenceRun(tracer, 'acme', NOW - 15 * MIN, false);
      for (let i = 0; i < 8; i++) openInferenceRun(tracer, 'acme', NOW - (13 - i) * MIN, true);
    }, resource('1.8.0'));
    // acme-ev: the same failures on one version; only a deploy marker says what changed.
    const marked = await recordSpans((tracer) => {
      for (let i = 0; i < 10; i++)
        openInferenceRun(tracer, 'acme-ev', NOW - (50 - i * 3) * MIN, false);
      openInferenceRun(tracer, 'acme-ev', NOW - 15 * MIN, false);
      for (let i = 0; i < 8; i++) openInferenceRun(tracer, 'acme-ev', NOW - (13 - i) * MIN, true);
    }, resource('1.7.0'));
    const r = await exportSpans(traceExporter(server.url, server.ingestKey), [
      ...old,
      ...next,
      ...marked,
    ]);
    expect(r.code).toBe(0);
  });
  afterAll(() => server?.stop());

  it('ranks what failing runs share, with counts and shares on both sides', async () => {
    const { status, body } = await server.api<WhyResponse>(`/api/v1/tenants/acme/why?${RANGE}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ tenantId: 'acme', runs: 19, failedRuns: 8, passedRuns: 11 });
    const top = body.findings.slice(0, 2).map((f) => `${f.field}=${f.value}`);
    expect(top).toEqual(['error.type=StaleCacheError', 'failed.tool=get_account_data']);
    expect(body.findings[0]).toMatchObject({
      failing: { runs: 8, share: 1 },
      passing: { runs: 0, share: 0 },
      score: 1,
      passingTraceId: null,
    });
    expect(body.findings[0]?.failingTraceId).toMatch(/^[0-9a-f]{32}$/);
    const version = body.facets.find((f) => f.field === 'service.version' && f.value === '1.8.0');
    expect(version).toMatchObject({ failing: { runs: 8 }, passing: { runs: 1 } });
    // The other tenant's failing run on 1.7.0 is not counted.
    const old = body.facets.find((f) => f.field === 'service.version' && f.value === '1.7.0');
    expect(old).toMatchObject({ failing: { runs: 0 }, passing: { runs: 10 } });
  });

  it('says when failures began relative to the first run of the new version', async () => {
    const { body } = await server.api<WhyResponse>(`/api/v1/tenants/acme/why?${RANGE}`);
    expect(body.changes).toEqual([
      expect.objectContaining({
        field: 'service.version',
        value: '1.8.0',
        serviceName: 'support-platform',
        firstSeen: new Date(NOW - 15 * MIN).toISOString(),
        failureRateBefore: 0,
      }),
    ]);
    expect(body.onset).toMatchObject({
      at: new Date(NOW - 13 * MIN).toISOString(),
      failureRateBefore: 0,
      after: { field: 'service.version', value: '1.8.0', leadMs: 2 * MIN },
    });
    expect(body.summary).toBe(
      `tool get_account_data failed with StaleCacheError in 8 of 8 failed runs and 0 of 11 passing; since support-platform 1.8.0 (failure rate 0% → 100% from ${new Date(NOW - 13 * MIN).toISOString().slice(11, 16)}, 2 min after it first appeared)`,
    );
  });

  it('says when failures began relative to a deploy marker, a platform event and not another tenant’s', async () => {
    const post = async (body: Record<string, unknown>) => {
      const res = await server.api('/api/v1/events', server.adminKey, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(201);
    };
    await post({
      kind: 'deploy',
      title: 'support-platform 1.8.0',
      tenantId: 'acme-ev',
      serviceName: 'support-platform',
      version: '1.8.0',
      time: NOW - 15 * MIN,
    });
    await post({ kind: 'incident', title: 'provider latency', time: NOW - 40 * MIN });
    // Another tenant's marker, closer to the onset: never acme-ev's suspect.
    await post({
      kind: 'config_change',
      title: 'cache ttl 48h',
      tenantId: 'other',
      time: NOW - 14 * MIN,
    });

    const { body } = await server.api<WhyResponse>(`/api/v1/tenants/acme-ev/why?${RANGE}`);
    expect(body.changes.map((c) => [c.field, c.value, c.event?.kind, c.event?.tenantId])).toEqual([
      ['event', 'provider latency', 'incident', null],
      ['event', 'support-platform 1.8.0', 'deploy', 'acme-ev'],
    ]);
    expect(body.changes[1]).toMatchObject({
      firstSeen: new Date(NOW - 15 * MIN).toISOString(),
      failureRateBefore: 0,
    });
    expect(body.onset).toMatchObject({
      at: new Date(NOW - 13 * MIN).toISOString(),
      after: {
        field: 'event',
        value: 'support-platform 1.8.0',
        leadMs: 2 * MIN,
        eventId: body.changes[1]?.event?.id,
      },
    });
    expect(body.summary).toBe(
      `tool get_account_data failed with StaleCacheError in 8 of 8 failed runs and 0 of 11 passing; failure rate 0% → 100% from ${new Date(NOW - 13 * MIN).toISOString().slice(11, 16)}, 2 min after deploy support-platform 1.8.0`,
    );
  });

  it('follows the tenant rules: a bound key reads its own tenant, another is 404', async () => {
    const bound = await server.createKey('read', 'acme');
    expect((await server.api(`/api/v1/tenants/acme/why?${RANGE}`, bound)).status).toBe(200);
    const other = await server.api<{ error: { code: string } }>(
      `/api/v1/tenants/other/why?${RANGE}`,
      bound,
    );
    expect(other.status).toBe(404);
    expect((await server.api(`/api/v1/tenants/acme/why`, server.ingestKey)).status).toBe(403);
  });

  it('rejects a range longer than a week and unknown parameters', async () => {
    const long = await server.api<{ error: { code: string } }>(
      `/api/v1/tenants/acme/why?from=${NOW - 8 * 86_400_000}&to=${NOW}`,
    );
    expect(long.status).toBe(400);
    expect((await server.api(`/api/v1/tenants/acme/why?bogus=1`)).status).toBe(400);
  });

  it('answers no summary for a tenant whose runs all pass', async () => {
    const { body } = await server.api<WhyResponse>(
      `/api/v1/tenants/acme/why?from=${NOW - 60 * MIN}&to=${NOW - 20 * MIN}`,
    );
    expect(body).toMatchObject({ runs: 10, failedRuns: 0, summary: null, findings: [] });
  });
});
