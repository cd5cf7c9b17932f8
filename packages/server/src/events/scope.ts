import type { Principal } from '../auth/principal.js';
import { ForbiddenError, NotFoundError } from '../errors.js';

/**
 * Who may write a change event for which tenant (null: platform-wide). An admin key writes for any
 * tenant or the platform; an ingest key bound to a tenant writes for that tenant only, and naming
 * another answers 404 as every other route does, so tenant ids are no oracle. Read keys and the
 * platform ingest key (bound to no tenant) may not write events: a deploy pipeline gets a key of its
 * tenant, and platform-wide markers are an operator's.
 */
export function eventWriteTenant(
  principal: Principal,
  requested: string | null | undefined,
): string | null {
  if (principal.kind === 'admin') return requested ?? null;
  if (principal.kind === 'read') {
    throw new ForbiddenError('a read key cannot write events; use an admin or ingest key');
  }
  if (principal.tenantId === null) {
    throw new ForbiddenError(
      'an ingest key bound to no tenant cannot write events; use an admin key or a key bound to the tenant',
    );
  }
  if (requested === null) {
    throw new ForbiddenError('only an admin key writes platform-wide events');
  }
  if (requested !== undefined && requested !== principal.tenantId) {
    throw new NotFoundError(`tenant '${requested}' not found`);
  }
  return principal.tenantId;
}
