import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { readScope, requireAdmin } from '../auth/scope.js';
import { InvalidRequestError } from '../errors.js';
import { encodeOffsetCursor } from '../storage/cursor.js';
import { type TenantAggregateRow, totalsOf } from '../storage/read-types.js';
import type { FeedbackBucket, FeedbackStats } from '../storage/score-types.js';
import type {
  DeleteResponse,
  TenantSummary,
  TenantsResponse,
  TimeseriesMetric,
  TimeseriesResponse,
} from './contract.js';
import type { QueryDeps } from './deps.js';
import {
  isoRange,
  page,
  pageFields,
  parseQuery,
  rangeFields,
  resolveRange,
  tenantId,
  text,
} from './params.js';
import { nsToIso } from './views.js';

const tenantsQuery = z
  .object({
    ...rangeFields,
    ...pageFields,
    q: text.optional(),
    sort: z
      .enum([
        'tenant',
        'runs',
        'failure_rate',
        'p95',
        'tokens',
        'cost',
        'tool_error_rate',
        'last_seen',
      ])
      .optional(),
    order: z.enum(['asc', 'desc']).optional(),
  })
  .strict();

const METRICS = [
  'runs',
  'failure_rate',
  'run_latency_p50',
  'run_latency_p95',
  'run_latency_p99',
  'tokens_input',
  'tokens_output',
  'cost',
  'tool_calls',
  'tool_error_rate',
  'llm_latency_p95',
  'feedback_count',
  'negative_feedback_share',
  'mean_score',
] as const satisfies readonly TimeseriesMetric[];

/** Timeseries read from the scores table; the rest from the tenant's spans. */
const FEEDBACK_METRICS = new Set<TimeseriesMetric>([
  'feedback_count',
  'negative_feedback_share',
  'mean_score',
]);

const timeseriesQuery = z
  .object({
    ...rangeFields,
    metrics: z
      .string()
      .max(400)
      .transform((s) => s.split(',').map((m) => m.trim()))
      .pipe(z.array(z.enum(METRICS)).min(1)),
    step: z
      .union([
        z.literal('1d'),
        z
          .string()
          .regex(/^\d{1,7}$/)
          .transform(Number)
          .pipe(z.number().int().min(10)),
      ])
      .optional(),
  })
  .strict();

const ratio = (a: number, b: number) => (b === 0 ? null : a / b);
const ms = (ns: number | null) => (ns === null ? null : ns / 1e6);

/** Counts of scores as the contract shows them (FeedbackSummary). */
export function feedbackSummary(
  f: Pick<FeedbackStats, 'scores' | 'negative' | 'valueSum'> | undefined,
) {
  const count = f?.scores ?? 0;
  return {
    count,
    negative: f?.negative ?? 0,
    negativeShare: ratio(f?.negative ?? 0, count),
    meanScore: ratio(f?.valueSum ?? 0, count),
  };
}

function summary(r: TenantAggregateRow, feedback: FeedbackStats | undefined): TenantSummary {
  return {
    tenantId: r.tenantId,
    spans: r.spans,
    runs: r.runs,
    failedRuns: r.failedRuns,
    failureRate: ratio(r.failedRuns, r.runs),
    runLatencyMs: { p50: ms(r.p50Ns), p95: ms(r.p95Ns), p99: ms(r.p99Ns) },
    llmCalls: r.llmCalls,
    inputTokens: r.inputTokens,
    outputTokens: r.outputTokens,
    cost: { usd: r.costUsd, unpricedModels: r.unpricedModels },
    llmTimeMs: r.llmTimeNs / 1e6,
    toolCalls: r.toolCalls,
    toolErrors: r.toolErrors,
    toolErrorRate: ratio(r.toolErrors, r.toolCalls),
    lastSeen: r.lastSeenNs === null ? null : nsToIso(r.lastSeenNs),
    feedback: feedbackSummary(feedback),
  };
}

const MAX_BUCKETS = 5000;

export function tenantRoutes(deps: QueryDeps) {
  return async (app: FastifyInstance) => {
    app.get('/tenants', async (request): Promise<TenantsResponse> => {
      const q = parseQuery(tenantsQuery, request.query);
      const scope = readScope(request.principal);
      const range = resolveRange(q, deps.clock);
      const { limit, offset } = page(q, 100);
      // A tenant-bound key's page can only be its own tenant: its feedback is read beside the
      // aggregates instead of after them (one round trip fewer; kept only if the tenant is listed).
      const boundFeedback =
        scope.tenantId === null
          ? null
          : deps.storage.feedbackStats(scope, range.ns, [scope.tenantId]);
      // Awaited below; until then a failure must not count as unhandled.
      boundFeedback?.catch(() => {});
      // A tenant-bound key's unfiltered first page is its tenant's row or none: the totals are that
      // row's sums, not a second aggregate over the same rows (on DuckDB, its planning alone is a
      // few ms of the 2 cores, which the page of one shared with the admin page's fixed costs).
      const ownTotals = scope.tenantId !== null && q.q === undefined && offset === 0;
      const [rows, fleetRead] = await Promise.all([
        deps.storage.tenantAggregates(scope, {
          range: range.ns,
          q: q.q,
          sort: q.sort ?? 'runs',
          order: q.order ?? (q.sort === 'tenant' ? 'asc' : 'desc'),
          limit: limit + 1,
          offset,
          prices: deps.prices,
        }),
        ownTotals ? null : deps.storage.fleetTotals(scope, range.ns),
      ]);
      const fleet = fleetRead ?? totalsOf(rows);
      const items = rows.slice(0, limit);
      const feedback = new Map(
        items.length === 0
          ? []
          : (
              await (boundFeedback ??
                deps.storage.feedbackStats(
                  scope,
                  range.ns,
                  items.map((r) => r.tenantId),
                ))
            ).map((f) => [f.tenantId, f]),
      );
      return {
        items: items.map((r) => summary(r, feedback.get(r.tenantId))),
        nextCursor: rows.length > limit ? encodeOffsetCursor(offset + limit) : null,
        range: isoRange(range),
        fleet: {
          tenants: fleet.tenants,
          runs: fleet.runs,
          inputTokens: fleet.inputTokens,
          outputTokens: fleet.outputTokens,
          llmTimeMs: fleet.llmTimeNs / 1e6,
        },
      };
    });

    app.get<{ Params: { tenant: string } }>(
      '/tenants/:tenant/timeseries',
      async (request): Promise<TimeseriesResponse> => {
        const tenant = parseQuery(tenantId, request.params.tenant);
        const scope = readScope(request.principal, tenant);
        const q = parseQuery(timeseriesQuery, request.query);
        const range = resolveRange(q, deps.clock);
        const stepSeconds = q.step === '1d' ? 86_400 : (q.step ?? 60);
        const stepMs = stepSeconds * 1000;
        const first = Math.floor(range.fromMs / stepMs) * stepMs;
        const count = Math.ceil((range.toMs - first) / stepMs);
        if (count > MAX_BUCKETS) {
          throw new InvalidRequestError(
            `range/step gives ${count} buckets; at most ${MAX_BUCKETS}`,
          );
        }
        const stepNs = BigInt(stepMs) * 1_000_000n;
        const wantsFeedback = q.metrics.some((m) => FEEDBACK_METRICS.has(m));
        const [rows, feedbackRows] = await Promise.all([
          deps.storage.tenantBuckets(scope.tenantId ?? tenant, range.ns, stepNs, deps.prices),
          wantsFeedback
            ? deps.storage.feedbackBuckets(scope.tenantId ?? tenant, range.ns, stepNs)
            : Promise.resolve([] as FeedbackBucket[]),
        ]);
        const byBucket = new Map(rows.map((r) => [r.bucket, r]));
        const feedbackByBucket = new Map(feedbackRows.map((r) => [r.bucket, r]));
        const timestamps = Array.from({ length: count }, (_, i) => first + i * stepMs);
        const series: TimeseriesResponse['series'] = {};
        for (const metric of q.metrics) {
          series[metric] = timestamps.map((t) => {
            if (FEEDBACK_METRICS.has(metric)) {
              const f = feedbackSummary(feedbackByBucket.get(t));
              if (metric === 'feedback_count') return f.count;
              return metric === 'mean_score' ? f.meanScore : f.negativeShare;
            }
            const r = byBucket.get(t);
            if (!r)
              return metric === 'runs' ||
                metric.startsWith('tokens') ||
                metric === 'cost' ||
                metric === 'tool_calls'
                ? 0
                : null;
            switch (metric) {
              case 'runs':
                return r.runs;
              case 'failure_rate':
                return ratio(r.failedRuns, r.runs);
              case 'run_latency_p50':
                return ms(r.p50Ns);
              case 'run_latency_p95':
                return ms(r.p95Ns);
              case 'run_latency_p99':
                return ms(r.p99Ns);
              case 'tokens_input':
                return r.inputTokens;
              case 'tokens_output':
                return r.outputTokens;
              case 'cost':
                return r.costUsd;
              case 'tool_calls':
                return r.toolCalls;
              case 'tool_error_rate':
                return ratio(r.toolErrors, r.toolCalls);
              case 'llm_latency_p95':
                return ms(r.llmP95Ns);
              default:
                return null;
            }
          });
        }
        return { tenantId: tenant, range: isoRange(range), stepSeconds, timestamps, series };
      },
    );

    app.delete<{ Params: { tenant: string } }>(
      '/tenants/:tenant',
      async (request): Promise<DeleteResponse> => {
        requireAdmin(request.principal);
        const tenant = parseQuery(tenantId, request.params.tenant);
        const deleted = await deps.storage.deleteTenant(tenant);
        return { tenantId: tenant, deleted };
      },
    );

    app.delete<{ Params: { tenant: string; userId: string } }>(
      '/tenants/:tenant/users/:userId',
      async (request): Promise<DeleteResponse> => {
        requireAdmin(request.principal);
        const tenant = parseQuery(tenantId, request.params.tenant);
        const userId = parseQuery(z.string().min(1).max(256), request.params.userId);
        const deleted = await deps.storage.deleteUser(tenant, userId);
        return { tenantId: tenant, userId, deleted };
      },
    );
  };
}
