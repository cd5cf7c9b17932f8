import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { readScope, requireAdmin } from '../auth/scope.js';
import { ForbiddenError, InvalidRequestError } from '../errors.js';
import type {} from '../http/request-context.js';
import type { AlertHistoryResponse, AlertsResponse } from '../query/contract.js';
import type { AlertStore } from '../storage/types.js';
import type { AlertEngine } from './engine.js';
import type { AlertNotifier } from './notifier.js';
import type { AlertRuleSet } from './rule-set.js';

export interface AlertRouteDeps {
  engine: AlertEngine;
  store: AlertStore;
  ruleSet: AlertRuleSet;
  notifier: AlertNotifier;
}

const time = z.union([
  z
    .string()
    .regex(/^\d{1,15}$/)
    .transform(Number),
  z
    .string()
    .max(40)
    .refine((s) => !Number.isNaN(Date.parse(s)), 'must be ISO 8601 or epoch milliseconds')
    .transform((s) => Date.parse(s)),
]);
const tenant = z.string().min(1).max(128);

const alertsQuery = z
  .object({
    tenant: tenant.optional(),
    state: z.enum(['pending', 'firing']).optional(),
    severity: z.enum(['critical', 'warning', 'info']).optional(),
  })
  .strict();

const historyQuery = z
  .object({
    tenant: tenant.optional(),
    from: time.optional(),
    to: time.optional(),
    limit: z
      .string()
      .regex(/^\d{1,5}$/, 'must be an integer')
      .transform(Number)
      .pipe(z.number().int().min(1).max(1000))
      .optional(),
    cursor: z.string().max(200).optional(),
  })
  .strict();

const ruleId = z.object({ id: z.string().min(1).max(64) });

function parse<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input ?? {});
  if (!result.success) {
    const detail = result.error.issues
      .map((i) => `${i.path.join('.') || what}: ${i.message}`)
      .join('; ');
    throw new InvalidRequestError(`invalid ${what}: ${detail}`);
  }
  return result.data;
}

/** GET /alerts, /alerts/history, /alerts/notifications and admin CRUD on /alert-rules (under /api/v1). */
export async function alertRoutes(app: FastifyInstance, deps: AlertRouteDeps): Promise<void> {
  app.get('/alerts', async (request): Promise<AlertsResponse> => {
    const q = parse(alertsQuery, request.query, 'query');
    const scope = readScope(request.principal, q.tenant);
    const items = (await deps.engine.listAlerts(scope)).filter(
      (a) => (!q.state || a.state === q.state) && (!q.severity || a.severity === q.severity),
    );
    return { items };
  });

  app.get('/alerts/history', async (request): Promise<AlertHistoryResponse> => {
    const q = parse(historyQuery, request.query, 'query');
    const scope = readScope(request.principal, q.tenant);
    if (q.from !== undefined && q.to !== undefined && q.from >= q.to) {
      throw new InvalidRequestError('from must be before to');
    }
    const page = await deps.store.listAlertTransitions(scope, {
      fromMs: q.from,
      toMs: q.to,
      limit: q.limit ?? 100,
      cursor: q.cursor,
    });
    return {
      items: page.items.map((t) => ({
        ruleId: t.ruleId,
        tenantId: t.tenantId,
        from: t.from,
        to: t.to,
        at: new Date(t.at).toISOString(),
        value: t.value,
        threshold: t.threshold,
      })),
      nextCursor: page.nextCursor,
    };
  });

  app.get('/alerts/notifications', async (request) => {
    // Receivers and delivery errors are the platform's, not one tenant's.
    const scope = readScope(request.principal);
    if (scope.tenantId !== null)
      throw new ForbiddenError('notification stats need a key not bound to a tenant');
    const last = deps.engine.lastReport();
    return {
      notifier: deps.notifier.stats(),
      lastEvaluation: last
        ? {
            at: new Date(last.at).toISOString(),
            durationMs: last.durationMs,
            rules: last.rules,
            pending: last.pending,
            firing: last.firing,
            errors: last.errors,
          }
        : null,
    };
  });

  app.get('/alert-rules', async (request) => {
    requireAdmin(request.principal);
    return { items: await deps.ruleSet.entries() };
  });

  app.get('/alert-rules/:id', async (request) => {
    requireAdmin(request.principal);
    const { id } = parse(ruleId, request.params, 'path');
    return deps.ruleSet.get(id);
  });

  app.put('/alert-rules/:id', async (request) => {
    requireAdmin(request.principal);
    const { id } = parse(ruleId, request.params, 'path');
    return deps.ruleSet.put(id, request.body);
  });

  app.delete('/alert-rules/:id', async (request) => {
    requireAdmin(request.principal);
    const { id } = parse(ruleId, request.params, 'path');
    await deps.ruleSet.delete(id);
    return { deleted: id };
  });
}
