/**
 * GET /api/v1/tenants/:tenant/redactions: what ingest redacted for a tenant, by entity type, since
 * this server started. Counts only, never values; a tenant-bound key reads only its own tenant.
 */
import type { FastifyInstance } from 'fastify';
import { readScope } from '../auth/scope.js';
import { redactionTally } from '../ingest/redaction-tally.js';
import { parseQuery, tenantId } from './params.js';

export interface RedactionsResponse {
  tenantId: string;
  /** When counting started (the server's start): older redactions are in Prometheus only. */
  since: string;
  total: number;
  /** Entity type -> count, e.g. { EMAIL: 12, PERSON: 3 }. */
  byType: Record<string, number>;
}

/** `server` is the object ingest's redactor was created with (the server's metrics). */
export function redactionRoutes(server: object) {
  return async (app: FastifyInstance) => {
    app.get<{ Params: { tenant: string } }>(
      '/tenants/:tenant/redactions',
      async (request): Promise<RedactionsResponse> => {
        const tenant = parseQuery(tenantId, request.params.tenant);
        const scope = readScope(request.principal, tenant);
        const id = scope.tenantId ?? tenant;
        const tally = redactionTally(server);
        const counts = tally.forTenant(id);
        return { tenantId: id, since: tally.since.toISOString(), ...counts };
      },
    );
  };
}
