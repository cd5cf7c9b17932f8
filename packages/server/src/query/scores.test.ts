import { ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  exportSpans,
  recordRun,
  recordSpans,
  traceExporter,
} from '../../../../test/helpers/otlp.js';
import { startTestServer, type TestServer } from '../../../../test/helpers/server.js';
import type { LogsResponse, TenantsResponse, TimeseriesResponse } from './contract.js';
import type { ScoreCreatedResponse, ScoresResponse } from './scores-contract.js';
import type { WhyResponse } from './why-contract.js';

/**
 * Scores end to end on the real server: gen_ai.evaluation.result records from a plain OpenTelemetry
 * SDK (not ours), POST /api/v1/scores with every kind of key, the per-tenant lists, summaries,
 * timeseries and /metrics, and the tenant rules of everything else.
 */
let server: TestServer;
let traceA = '';
let traceB = '';
let ingestA = '';
let readA = '';
let readB = '';
const json = { 'content-type': 'application/json' };
const range = () => `from=${Date.now() - 3_600_000}&to=${Date.now() + 60_000}`;

/** Sends records the way any OTel SDK would: a LoggerProvider and the official OTLP exporter. */
async function sendEvaluations(
  key: string,
  records: Array<{ traceId?: string; attributes: Record<string, string | number> }>,
) {
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'judge' }),
    processors: [
      new SimpleLogRecordProcessor({
        exporter: new OTLPLogExporter({
          url: `${server.url}/v1/logs`,
          headers: { authorization: `Bearer ${key}` },
        }),
      }),
    ],
  });
  const logger = provider.getLogger('evaluator');
  for (const r of records) {
    const context = r.traceId
      ? trace.setSpanContext(ROOT_CONTEXT, {
          traceId: r.traceId,
          spanId: '00f067aa0ba902b7',
          traceFlags: TraceFlags.SAMPLED,
        })
      : ROOT_CONTEXT;
    logger.emit({
      eventName: 'gen_ai.evaluation.result',
      severityNumber: SeverityNumber.INFO,
      attributes: r.attributes,
      context,
    });
  }
  await provider.forceFlush();
  await provider.shutdown();
}

const post = (key: string, body: unknown) =>
  server.api<ScoreCreatedResponse & { error?: { code: string; message: string } }>(
    '/api/v1/scores',
    key,
    { method: 'POST', headers: json, body: JSON.stringify(body) },
  );

beforeAll(async () => {
  server = await startTestServer();
  [ingestA, readA, readB] = await Promise.all([
    server.createKey('ingest', 'acme'),
    server.createKey('read', 'acme'),
    server.createKey('read', 'globex'),
  ]);
  const spans = await recordSpans((t) => {
    traceA = recordRun(t, { tenantId: 'acme' });
    traceB = recordRun(t, { tenantId: 'globex' });
  });
  expect((await exportSpans(traceExporter(server.url, server.ingestKey), spans)).code).toBe(0);
}, 60_000);

afterAll(() => server?.stop());

describe('scores from OTLP logs', () => {
  it('stores a gen_ai.evaluation.result record of any SDK as a score on its run, and keeps the log', async () => {
    await sendEvaluations(server.ingestKey, [
      {
        traceId: traceA,
        attributes: {
          'tenant.id': 'acme',
          'gen_ai.evaluation.name': 'relevance',
          'gen_ai.evaluation.score.value': 0.2,
          'gen_ai.evaluation.score.label': 'not_relevant',
          'gen_ai.evaluation.explanation': 'ignored the question; ask jane.doe@example.com',
        },
      },
      // Another scale (1-5): no score, but the record is stored as a log like any other.
      {
        traceId: traceA,
        attributes: {
          'tenant.id': 'acme',
          'gen_ai.evaluation.name': 'stars',
          'gen_ai.evaluation.score.value': 4,
        },
      },
    ]);
    const scores = await server.api<ScoresResponse>(
      `/api/v1/tenants/acme/scores?${range()}`,
      readA,
    );
    expect(scores.status).toBe(200);
    expect(scores.body.items).toEqual([
      expect.objectContaining({
        tenantId: 'acme',
        traceId: traceA,
        spanId: '00f067aa0ba902b7',
        name: 'relevance',
        value: 0.2,
        negative: true,
        label: 'not_relevant',
        source: 'otlp',
      }),
    ]);
    // Redacted at ingest like every other text.
    expect(scores.body.items[0]?.comment).toContain('ignored the question');
    expect(scores.body.items[0]?.comment).not.toContain('jane.doe@example.com');
    const logs = await server.api<LogsResponse>(
      `/api/v1/logs?tenant=acme&traceId=${traceA}&${range()}`,
    );
    expect(logs.body.items.map((l) => l.attributes['gen_ai.evaluation.name']).sort()).toEqual([
      'relevance',
      'stars',
    ]);
  });
});

describe('POST /api/v1/scores', () => {
  it('takes a bound ingest key for its own tenant, redacts the comment and answers the score', async () => {
    const res = await post(ingestA, {
      traceId: traceA,
      score: 0,
      label: 'wrong',
      comment: 'wrong refund amount, card 4111 1111 1111 1111',
    });
    expect(res.status).toBe(201);
    expect(res.body.score).toMatchObject({
      tenantId: 'acme',
      traceId: traceA,
      name: 'user_feedback',
      value: 0,
      negative: true,
      label: 'wrong',
      source: 'api',
    });
    expect(res.body.score.comment).not.toContain('4111 1111 1111 1111');
    const listed = await server.api<ScoresResponse>(
      `/api/v1/tenants/acme/scores?traceId=${traceA}&${range()}`,
      readA,
    );
    expect(listed.body.items.map((s) => s.scoreId)).toContain(res.body.score.scoreId);
  });

  it('never attaches a score to another tenant: 404 for its tenant and for its run', async () => {
    const otherTenant = await post(ingestA, { tenantId: 'globex', score: 0 });
    expect(otherTenant.status).toBe(404);
    expect(otherTenant.body.error?.code).toBe('TENANTRY_E_NOT_FOUND');
    const otherRun = await post(ingestA, { traceId: traceB, score: 0 });
    expect(otherRun.status).toBe(404);
    const admin = await post(server.adminKey, { tenantId: 'acme', traceId: traceB, score: 0 });
    expect(admin.status).toBe(404);
    const globex = await server.api<ScoresResponse>(
      `/api/v1/tenants/globex/scores?${range()}`,
      server.adminKey,
    );
    expect(globex.body.items).toEqual([]);
  });

  it('answers coded errors for bad input and keys that may not score', async () => {
    const cases: Array<[string, unknown, number, string]> = [
      [server.adminKey, { score: 1 }, 400, 'TENANTRY_E_INVALID_REQUEST'],
      [ingestA, { score: 2 }, 400, 'TENANTRY_E_INVALID_REQUEST'],
      [ingestA, { score: '0' }, 400, 'TENANTRY_E_INVALID_REQUEST'],
      [ingestA, { score: 0, traceId: 'xyz' }, 400, 'TENANTRY_E_INVALID_REQUEST'],
      [ingestA, { score: 0, spanId: '00f067aa0ba902b7' }, 400, 'TENANTRY_E_INVALID_REQUEST'],
      [ingestA, { score: 0, extra: 1 }, 400, 'TENANTRY_E_INVALID_REQUEST'],
      [readA, { score: 0 }, 403, 'TENANTRY_E_FORBIDDEN'],
    ];
    for (const [key, body, status, code] of cases) {
      const res = await post(key, body);
      expect([res.status, res.body.error?.code], JSON.stringify(body)).toEqual([status, code]);
    }
    const notJson = await server.api<{ error: { code: string } }>('/api/v1/scores', ingestA, {
      method: 'POST',
      headers: json,
      body: '{"score":',
    });
    expect(notJson.status).toBe(400);
  });

  it('accepts an admin score for a run whose spans have not arrived yet', async () => {
    const res = await post(server.adminKey, {
      tenantId: 'acme',
      traceId: 'f'.repeat(32),
      score: 1,
      name: 'reviewer',
    });
    expect(res.status).toBe(201);
    expect(res.body.score.negative).toBe(false);
  });
});

describe('feedback per tenant', () => {
  it('lists scores to read keys of the tenant only', async () => {
    const other = await server.api(`/api/v1/tenants/acme/scores?${range()}`, readB);
    expect(other.status).toBe(404);
    const ingest = await server.api(`/api/v1/tenants/acme/scores?${range()}`, ingestA);
    expect(ingest.status).toBe(403);
    const paged = await server.api<ScoresResponse>(
      `/api/v1/tenants/acme/scores?limit=1&${range()}`,
      readA,
    );
    expect(paged.body.items).toHaveLength(1);
    expect(paged.body.nextCursor).not.toBeNull();
  });

  it('shows count, negative share and mean score in the tenant summary, timeseries and /metrics', async () => {
    // acme so far: 0.2 (OTLP), 0 (API), 1 (admin): 3 scores, 2 negative, mean 0.4.
    const tenants = await server.api<TenantsResponse>(`/api/v1/tenants?${range()}`);
    const acme = tenants.body.items.find((t) => t.tenantId === 'acme');
    expect(acme?.feedback.count).toBe(3);
    expect(acme?.feedback.negative).toBe(2);
    expect(acme?.feedback.negativeShare).toBeCloseTo(2 / 3);
    expect(acme?.feedback.meanScore).toBeCloseTo(0.4);
    expect(tenants.body.items.find((t) => t.tenantId === 'globex')?.feedback).toEqual({
      count: 0,
      negative: 0,
      negativeShare: null,
      meanScore: null,
    });
    const series = await server.api<TimeseriesResponse>(
      `/api/v1/tenants/acme/timeseries?metrics=feedback_count,negative_feedback_share,mean_score&step=86400&${range()}`,
      readA,
    );
    expect(series.status).toBe(200);
    const sum = (xs: Array<number | null> = []) => xs.reduce<number>((n, x) => n + (x ?? 0), 0);
    expect(sum(series.body.series.feedback_count)).toBe(3);
    const metrics = await server.scrapeMetrics();
    expect(metrics).toContain('tenantry_feedback_scores_total{negative="true",tenant="acme"} 2');
    expect(metrics).toContain('tenantry_feedback_scores_total{negative="false",tenant="acme"} 1');
    expect(metrics).toMatch(/tenantry_feedback_score_sum\{tenant="acme"\} 1\.2\d*/);
  });

  it('runs the why analysis on the negatively scored runs with ?cohort=negative_feedback', async () => {
    const res = await server.api<WhyResponse>(
      `/api/v1/tenants/acme/why?cohort=negative_feedback&${range()}`,
      readA,
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ cohort: 'negative_feedback', runs: 1, failedRuns: 1 });
    const plain = await server.api<WhyResponse>(`/api/v1/tenants/acme/why?${range()}`, readA);
    expect(plain.body).toMatchObject({ cohort: 'failed', failedRuns: 0 });
    const bad = await server.api(`/api/v1/tenants/acme/why?cohort=slow&${range()}`, readA);
    expect(bad.status).toBe(400);
  });

  it('erases scores with the tenant', async () => {
    const deleted = await server.api<{ deleted: { scores: number } }>(
      '/api/v1/tenants/acme',
      server.adminKey,
      { method: 'DELETE' },
    );
    expect(deleted.body.deleted.scores).toBe(3);
    const left = await server.api<ScoresResponse>(`/api/v1/tenants/acme/scores?${range()}`, readA);
    expect(left.body.items).toEqual([]);
  });
});
