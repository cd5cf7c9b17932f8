import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { readScope } from '../auth/scope.js';
import { NotFoundError } from '../errors.js';
import { encodeOffsetCursor } from '../storage/cursor.js';
import { WHY_FIELDS } from '../storage/read-types.js';
import type { LogsResponse, Page, RunSummary, SpansResponse, TraceResponse } from './contract.js';
import type { QueryDeps } from './deps.js';
import { doctorResponse } from './doctor.js';
import {
  page,
  pageFields,
  parseQuery,
  rangeFields,
  resolveRange,
  statusSchema,
  tenantId,
  text,
  traceIdSchema,
} from './params.js';
import { groupLogsBySpan, linkedFromReadAhead, linkWindow, runTokenTotals } from './trace-view.js';
import { logView, nsToIso, spanSummaryView, spanView, statusOf } from './views.js';

const runsQuery = z
  .object({
    ...rangeFields,
    ...pageFields,
    tenant: tenantId.optional(),
    status: statusSchema.optional(),
    agent: text.optional(),
    minDurationMs: z
      .string()
      .regex(/^\d{1,9}(\.\d+)?$/)
      .transform(Number)
      .optional(),
    q: text.optional(),
    // A why finding (GET /tenants/:t/why): runs with a span carrying `value` in `field`.
    field: z.enum(WHY_FIELDS).optional(),
    // Status messages are compared on their first 200 characters, as the why counts them.
    value: z.string().min(1).max(200).optional(),
  })
  .strict()
  .refine((q) => (q.field === undefined) === (q.value === undefined), {
    message: 'field and value go together',
    path: ['value'],
  });

const ATTR_KEY = /^[\w.\-:/]{1,128}$/;

const spansQuery = z
  .object({
    ...rangeFields,
    ...pageFields,
    tenant: tenantId.optional(),
    name: text.optional(),
    tool: text.optional(),
    model: text.optional(),
    status: statusSchema.optional(),
  })
  .catchall(z.string().max(400));

const LEVELS: Record<string, number> = {
  trace: 1,
  debug: 5,
  info: 9,
  warn: 13,
  error: 17,
  fatal: 21,
};

const logsQuery = z
  .object({
    ...rangeFields,
    ...pageFields,
    tenant: tenantId.optional(),
    level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).optional(),
    q: text.optional(),
    traceId: traceIdSchema.optional(),
    agent: text.optional(),
  })
  .strict();

const traceQuery = z.object({ tenant: tenantId.optional() }).strict();
const doctorQuery = z
  .object({
    ...rangeFields,
    tenant: tenantId.optional(),
    // How recent is too recent to judge; 0 judges everything (a parent in flight reads as orphan).
    graceMs: z
      .string()
      .regex(/^\d{1,7}$/, 'must be milliseconds, 0 to 3600000')
      .transform(Number)
      .pipe(z.number().max(3_600_000, 'must be at most 3600000 (1 h)'))
      .optional(),
  })
  .strict();

function nextCursor(rows: unknown[], limit: number, offset: number): string | null {
  return rows.length > limit ? encodeOffsetCursor(offset + limit) : null;
}

export function traceRoutes(deps: QueryDeps) {
  return async (app: FastifyInstance) => {
    app.get('/runs', async (request): Promise<Page<RunSummary>> => {
      const q = parseQuery(runsQuery, request.query);
      const scope = readScope(request.principal, q.tenant);
      const range = resolveRange(q, deps.clock);
      const { limit, offset } = page(q);
      const rows = await deps.storage.listRuns(scope, {
        range: range.ns,
        status: q.status,
        agent: q.agent,
        minDurationNs:
          q.minDurationMs === undefined ? undefined : BigInt(Math.round(q.minDurationMs * 1e6)),
        q: q.q,
        ...(q.field && q.value ? { finding: { field: q.field, value: q.value } } : {}),
        limit: limit + 1,
        offset,
      });
      return {
        items: rows.slice(0, limit).map((r) => ({
          tenantId: r.span.tenantId,
          traceId: r.span.traceId,
          spanId: r.span.spanId,
          name: r.span.name,
          agentId: r.span.agentId,
          agentName: r.span.agentName,
          userId: r.span.userId,
          conversationId: r.span.conversationId,
          serviceName: r.span.serviceName,
          startTime: nsToIso(r.span.startTimeUnixNano),
          durationMs: Number(r.span.durationNs) / 1e6,
          status: statusOf(r.span.statusCode),
          inputTokens: r.inputTokens,
          outputTokens: r.outputTokens,
          llmCalls: r.llmCalls,
          toolCalls: r.toolCalls,
          toolErrors: r.toolErrors,
          firstError: r.firstError,
        })),
        nextCursor: nextCursor(rows, limit, offset),
      };
    });

    app.get<{ Params: { traceId: string } }>(
      '/traces/:traceId',
      async (request): Promise<TraceResponse> => {
        const notFound = () => new NotFoundError(`trace '${request.params.traceId}' not found`);
        const parsed = traceIdSchema.safeParse(request.params.traceId.toLowerCase());
        if (!parsed.success) throw notFound();
        const traceId = parsed.data;
        const q = parseQuery(traceQuery, request.query);
        const scope = readScope(request.principal, q.tenant);
        // Its logs and the traces that link to it are read beside its spans (readTrace).
        const read = await deps.storage.readTrace(scope, traceId);
        const found = read.spans;
        // Another tenant's trace and a missing one answer identically: ids are no oracle.
        if (found.length === 0) throw notFound();
        // A trace is (tenant, trace id): spans another tenant sent with the same id never join,
        // hide or relabel it. Across tenants an admin sees the root's tenant's (else the first)
        // and the others are listed to choose with ?tenant=.
        const tenants = [...new Set(found.map((s) => s.tenantId))].sort();
        const root = found.find((s) => s.parentSpanId === '') ?? found[0]!;
        const spans =
          tenants.length === 1 ? found : found.filter((s) => s.tenantId === root.tenantId);
        const tenantScope = { tenantId: root.tenantId };
        const logs = read.logs.filter((l) => l.tenantId === root.tenantId);
        const linksTo = [...new Set(spans.flatMap((s) => s.links.map((l) => l.traceId)))].filter(
          (t) => t !== traceId,
        );
        const window = linkWindow(spans);
        // Read ahead unless the trace links elsewhere or its time lies outside what was searched.
        const linkedTraces =
          (linksTo.length === 0
            ? linkedFromReadAhead(read.linking, root.tenantId, traceId, window)
            : null) ??
          (await deps.storage.linkedTraces(
            scope.tenantId === null ? tenantScope : scope,
            traceId,
            linksTo,
            window,
          ));
        const { logsBySpan, unattached } = groupLogsBySpan(spans, logs);
        const runs = runTokenTotals(spans);
        return {
          traceId,
          tenantId: root.tenantId,
          tenants,
          spans: spans.map((s) => spanView(s, logsBySpan.get(s.spanId) ?? [])),
          runs,
          linkedTraces,
          unattachedLogs: unattached.map(logView),
        };
      },
    );

    app.get('/spans', async (request): Promise<SpansResponse> => {
      const raw = parseQuery(spansQuery, request.query);
      const attributes: Array<{ key: string; value: string }> = [];
      const known = new Set([
        'from',
        'to',
        'limit',
        'cursor',
        'tenant',
        'name',
        'tool',
        'model',
        'status',
      ]);
      for (const [k, v] of Object.entries(raw)) {
        if (known.has(k)) continue;
        const key = k.startsWith('attr.') ? k.slice(5) : null;
        if (key === null || !ATTR_KEY.test(key) || typeof v !== 'string') {
          parseQuery(
            z.never(),
            `unknown parameter '${k.slice(0, 40)}' (attribute filters are attr.<key>=<value>)`,
          );
        }
        attributes.push({ key: key!, value: v as string });
      }
      if (attributes.length > 10) parseQuery(z.never(), 'at most 10 attribute filters');
      const q = raw as z.infer<typeof spansQuery>;
      const scope = readScope(request.principal, q.tenant);
      const range = resolveRange(q, deps.clock);
      const { limit, offset } = page(q);
      const rows = await deps.storage.searchSpans(scope, {
        range: range.ns,
        name: q.name,
        tool: q.tool,
        model: q.model,
        status: q.status,
        attributes,
        limit: limit + 1,
        offset,
      });
      return {
        items: rows.slice(0, limit).map(spanSummaryView),
        nextCursor: nextCursor(rows, limit, offset),
      };
    });

    app.get('/logs', async (request): Promise<LogsResponse> => {
      const q = parseQuery(logsQuery, request.query);
      const scope = readScope(request.principal, q.tenant);
      const range = resolveRange(q, deps.clock);
      const { limit, offset } = page(q, 100);
      const rows = await deps.storage.searchLogs(scope, {
        range: range.ns,
        minSeverity: q.level ? LEVELS[q.level] : undefined,
        q: q.q,
        traceId: q.traceId,
        agent: q.agent,
        limit: limit + 1,
        offset,
      });
      return {
        items: rows.slice(0, limit).map(logView),
        nextCursor: nextCursor(rows, limit, offset),
      };
    });

    app.get('/doctor', async (request) => {
      const q = parseQuery(doctorQuery, request.query);
      const scope = readScope(request.principal, q.tenant);
      const range = resolveRange(q, deps.clock);
      if (
        scope.tenantId !== null &&
        !(await deps.storage.listTenantIds()).includes(scope.tenantId)
      ) {
        // An empty report for a misspelt tenant would read as a pass.
        throw new NotFoundError(`tenant '${scope.tenantId}' has no data: nothing to check`);
      }
      const graceMs = q.graceMs ?? deps.doctorGraceMs;
      const settledMs = deps.clock.now() - graceMs;
      const settled = BigInt(settledMs) * 1_000_000n;
      const [d, parked] = await Promise.all([
        deps.storage.doctor(scope, range.ns, settled),
        // Parked spans belong to no tenant yet: only a view over every tenant sees them.
        scope.tenantId === null ? deps.storage.parkedSpans() : undefined,
      ]);
      return {
        ...doctorResponse(d, scope.tenantId, range, parked),
        graceMs,
        settledBefore: new Date(Math.min(settledMs, range.toMs)).toISOString(),
      };
    });
  };
}
