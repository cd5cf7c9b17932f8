import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Principal } from '../auth/principal.js';
import { readScope } from '../auth/scope.js';
import { ForbiddenError, InvalidRequestError, NotFoundError } from '../errors.js';
import type { IngestRedactor } from '../ingest/pipeline.js';
import { countScores, MAX_SCORE_LABEL, MAX_SCORE_NAME } from '../ingest/scores.js';
import { encodeOffsetCursor } from '../storage/cursor.js';
import { isNegativeScore, type ScoreRow } from '../storage/score-types.js';
import type { ServerMetrics } from '../telemetry/registry.js';
import type { QueryDeps } from './deps.js';
import {
  isoRange,
  page,
  pageFields,
  parseQuery,
  rangeFields,
  resolveRange,
  tenantId,
  traceIdSchema,
} from './params.js';
import type { ScoreCreatedResponse, ScoresResponse, ScoreView } from './scores-contract.js';
import { nsToIso } from './views.js';

export interface ScoreRouteDeps extends QueryDeps {
  redactor: IngestRedactor;
  metrics: ServerMetrics;
}

/** The name recordFeedback() uses; also the default of a score posted without one. */
export const USER_FEEDBACK = 'user_feedback';
const MAX_COMMENT = 4096;

const scoreBody = z
  .object({
    tenantId: tenantId.optional(),
    traceId: traceIdSchema.optional(),
    spanId: z
      .string()
      .regex(/^[0-9a-f]{16}$/, 'must be 16 lowercase hex characters')
      .optional(),
    name: z.string().min(1).max(MAX_SCORE_NAME).optional(),
    score: z.number().finite().min(0).max(1),
    label: z.string().min(1).max(MAX_SCORE_LABEL).optional(),
    comment: z.string().max(MAX_COMMENT).optional(),
  })
  .strict()
  .refine((b) => b.spanId === undefined || b.traceId !== undefined, {
    message: 'spanId needs traceId',
    path: ['spanId'],
  });

const scoresQuery = z
  .object({ ...rangeFields, ...pageFields, traceId: traceIdSchema.optional() })
  .strict();

export function scoreView(s: ScoreRow): ScoreView {
  return {
    scoreId: s.scoreId,
    tenantId: s.tenantId,
    time: nsToIso(s.timeUnixNano),
    timeUnixNano: s.timeUnixNano.toString(),
    traceId: s.traceId || null,
    spanId: s.spanId || null,
    name: s.name,
    value: s.value,
    negative: isNegativeScore(s.value),
    label: s.label,
    comment: s.comment,
    source: s.source,
  };
}

/**
 * Who may score whose runs: a tenant-bound key its own tenant only (another one answers 404), an
 * admin or unbound ingest key any tenant it names. Read keys read.
 */
function scoreTenant(principal: Principal, requested: string | undefined): string {
  if (principal.kind === 'read') {
    throw new ForbiddenError('a read key cannot record scores; use an ingest or admin key');
  }
  if (principal.tenantId !== null) {
    if (requested !== undefined && requested !== principal.tenantId) {
      throw new NotFoundError(`tenant '${requested}' not found`);
    }
    return principal.tenantId;
  }
  if (requested === undefined) {
    throw new InvalidRequestError('tenantId is required: this key is not bound to a tenant');
  }
  return requested;
}

/** POST /api/v1/scores and GET /api/v1/tenants/:tenant/scores. */
export function scoreRoutes(deps: ScoreRouteDeps) {
  return async (app: FastifyInstance) => {
    app.post('/scores', async (request, reply): Promise<ScoreCreatedResponse> => {
      const parsed = scoreBody.safeParse(request.body ?? {});
      if (!parsed.success) {
        throw new InvalidRequestError(
          `invalid score: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')}`,
        );
      }
      const b = parsed.data;
      const tenant = scoreTenant(request.principal, b.tenantId);
      if (b.traceId !== undefined) await assertRunOf(deps, tenant, b.traceId);
      const row: ScoreRow = {
        tenantId: tenant,
        scoreId: randomUUID(),
        timeUnixNano: BigInt(deps.clock.now()) * 1_000_000n,
        traceId: b.traceId ?? '',
        spanId: b.spanId ?? '',
        name: b.name ?? USER_FEEDBACK,
        value: b.score,
        label: b.label === undefined ? null : deps.redactor.text(tenant, b.label),
        comment:
          b.comment === undefined || b.comment === ''
            ? null
            : deps.redactor.text(tenant, b.comment),
        source: 'api',
      };
      await deps.storage.insertScores([row]);
      countScores(deps.metrics, [row]);
      reply.status(201);
      return { score: scoreView(row) };
    });

    app.get<{ Params: { tenant: string } }>(
      '/tenants/:tenant/scores',
      async (request): Promise<ScoresResponse> => {
        const tenant = parseQuery(tenantId, request.params.tenant);
        const scope = readScope(request.principal, tenant);
        const q = parseQuery(scoresQuery, request.query);
        const range = resolveRange(q, deps.clock);
        const { limit, offset } = page(q, 100);
        const rows = await deps.storage.listScores(
          { tenantId: scope.tenantId ?? tenant },
          { range: range.ns, traceId: q.traceId, limit: limit + 1, offset },
        );
        return {
          tenantId: tenant,
          items: rows.slice(0, limit).map(scoreView),
          nextCursor: rows.length > limit ? encodeOffsetCursor(offset + limit) : null,
          range: isoRange(range),
        };
      },
    );
  };
}

/**
 * A score is never attached to another tenant's run: a trace whose spans are all another tenant's
 * answers 404, as reading it would. A trace with no spans yet is accepted (its spans may still be
 * on their way); the score is the tenant's and only ever joins the tenant's own runs.
 */
async function assertRunOf(deps: QueryDeps, tenant: string, traceId: string): Promise<void> {
  const spans = await deps.storage.traceSpans({ tenantId: null }, traceId);
  if (spans.length > 0 && !spans.some((s) => s.tenantId === tenant)) {
    throw new NotFoundError(`trace '${traceId}' not found`);
  }
}
