import type { FastifyRequest } from 'fastify';
import { UnauthenticatedError } from '../errors.js';
import type { Authenticate } from '../http/auth-plugin.js';
import type { KeyStore } from '../storage/types.js';
import { verifyKey } from './keys.js';
import type { Principal } from './principal.js';
import '../http/request-context.js';

/**
 * Resolves the Authorization header to a principal on every request. No cache: a revoked key is
 * refused on its very next request.
 */
export function createAuthenticator(store: KeyStore): Authenticate {
  return async function authenticate(request: FastifyRequest): Promise<Principal> {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) throw new UnauthenticatedError();
    const record = await verifyKey(store, match[1]!);
    if (!record) throw new UnauthenticatedError('unknown or revoked API key');
    return { keyId: record.id, kind: record.kind, tenantId: record.tenantId };
  };
}
