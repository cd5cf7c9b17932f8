import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { readScope } from '../auth/scope.js';
import type { QueryDeps } from './deps.js';
import { parseQuery, rangeFields, resolveRange, tenantId } from './params.js';
import { whyReport } from './why.js';
import type { WhyResponse } from './why-contract.js';

const count = (max: number) =>
  z
    .string()
    .regex(/^\d{1,4}$/, 'must be an integer')
    .transform(Number)
    .pipe(z.number().int().min(1).max(max))
    .optional();

const whyQuery = z
  .object({
    ...rangeFields,
    perField: count(50),
    limit: count(100),
    cohort: z.enum(['failed', 'negative_feedback']).optional(),
  })
  .strict();

/** A day of a busy tenant answers well under a second (bench/why); a week is the longest range. */
const MAX_WHY_RANGE_MS = 7 * 86_400_000;

/** GET /api/v1/tenants/:tenant/why: what the tenant's failing runs share and what changed. */
export function whyRoutes(deps: QueryDeps) {
  return async (app: FastifyInstance) => {
    app.get<{ Params: { tenant: string } }>(
      '/tenants/:tenant/why',
      async (request): Promise<WhyResponse> => {
        const tenant = parseQuery(tenantId, request.params.tenant);
        const scope = readScope(request.principal, tenant);
        const q = parseQuery(whyQuery, request.query);
        const range = resolveRange(q, deps.clock, MAX_WHY_RANGE_MS);
        return whyReport(deps.storage, scope.tenantId ?? tenant, range.ns, {
          perField: q.perField,
          limit: q.limit,
          cohort: q.cohort,
        });
      },
    );
  };
}
