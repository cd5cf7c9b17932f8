import { ForbiddenError, NotFoundError } from '../errors.js';
import type { TenantScope } from '../storage/types.js';
import type { Principal } from './principal.js';

/**
 * The tenants a principal may read. A tenant-bound key is always scoped to its own tenant: asking
 * for another one answers 404 (not 403) so that tenant ids are no oracle.
 */
export function readScope(principal: Principal, requestedTenant?: string | null): TenantScope {
  if (principal.kind === 'ingest') {
    throw new ForbiddenError('an ingest key cannot read; use a read or admin key');
  }
  if (principal.tenantId !== null) {
    if (requestedTenant && requestedTenant !== principal.tenantId) {
      throw new NotFoundError(`tenant '${requestedTenant}' not found`);
    }
    return { tenantId: principal.tenantId };
  }
  return { tenantId: requestedTenant ?? null };
}

export function requireAdmin(principal: Principal): void {
  if (principal.kind !== 'admin') {
    throw new ForbiddenError('this route needs an admin key');
  }
}
