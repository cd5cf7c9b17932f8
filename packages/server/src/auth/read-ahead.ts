import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { UnauthenticatedError } from '../errors.js';
import type { Authenticate } from '../http/auth-plugin.js';
import { mapError } from '../http/errors.js';
import type { Principal } from './principal.js';
import '../http/request-context.js';

/**
 * Reads run beside their key's check instead of after it.
 *
 * A key's kind and tenant never change (only its revocation does: keys.ts), so once a key has
 * been verified its principal is known. A read (GET or HEAD, which change nothing) presenting a
 * known key starts at once with that principal, while the key is verified again as on every
 * request; its response waits for that answer. So a revoked key still gets a 401 and none of the
 * data on its very next request, on every server; what is saved is the wait. On ClickHouse the
 * check is a round trip of its own (about 5 ms on 18.16, more through chDB) that every dashboard
 * read waited for before starting its own queries.
 */
export class ReadAhead {
  /** Verified keys by a hash of their Authorization header. */
  private readonly known = new Map<string, Principal>();
  /** The checks still running for the reads that went ahead. */
  private readonly checks = new WeakMap<
    FastifyRequest,
    { id: string; verified: Promise<unknown> }
  >();

  constructor(
    private readonly authenticate: Authenticate,
    private readonly maxKeys = 10_000,
  ) {}

  /** The onRequest hook: sets `request.principal`, verified or (a read) still being verified. */
  async begin(request: FastifyRequest): Promise<void> {
    const read = request.method === 'GET' || request.method === 'HEAD';
    const header = request.headers.authorization;
    const id = read && typeof header === 'string' ? keyOf(header) : undefined;
    const known = id === undefined ? undefined : this.known.get(id);
    if (id !== undefined && known !== undefined) {
      request.principal = known;
      const verified = this.authenticate(request).then((principal) => {
        if (!sameKey(principal, known))
          throw new UnauthenticatedError('unknown or revoked API key');
      });
      // Awaited by `end`; until then a refusal must not count as unhandled.
      verified.catch(() => {});
      this.checks.set(request, { id, verified });
      return;
    }
    request.principal = await this.authenticate(request);
    if (id !== undefined) {
      // Bounded: past it, start over (each key is verified again once).
      if (this.known.size >= this.maxKeys) this.known.clear();
      this.known.set(id, Object.freeze({ ...request.principal }));
    }
  }

  /**
   * The onSend hook: a read that went ahead is sent once its key is verified; if the key was
   * refused (or could not be checked), its answer is replaced by that error.
   */
  async end(request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> {
    const check = this.checks.get(request);
    if (check === undefined) return payload;
    this.checks.delete(request);
    try {
      await check.verified;
      return payload;
    } catch (err) {
      this.known.delete(check.id);
      const mapped = mapError(err);
      // As the app's error handler does: a refused key is the client's, a failed lookup ours.
      if (mapped.status >= 500 && mapped.status !== 503)
        request.log.error({ err }, 'key check failed');
      if (mapped.retryAfterSeconds !== null)
        reply.header('retry-after', String(mapped.retryAfterSeconds));
      reply.code(mapped.status).type('application/json; charset=utf-8');
      return JSON.stringify({ error: { code: mapped.code, message: mapped.message } });
    }
  }
}

function keyOf(header: string): string {
  return createHash('sha256').update(header).digest('base64');
}

function sameKey(a: Principal, b: Principal): boolean {
  return a.keyId === b.keyId && a.kind === b.kind && a.tenantId === b.tenantId;
}
