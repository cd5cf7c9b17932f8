import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { InvalidRequestError } from '../errors.js';
import type { KeyStore } from '../storage/types.js';
import { createKey, publicKeyView, revokeKey } from './keys.js';
import { requireAdmin } from './scope.js';

const createBody = z
  .object({
    kind: z.enum(['admin', 'ingest', 'read']),
    tenantId: z.string().min(1).max(128).nullable().optional(),
    name: z.string().min(1).max(200).optional(),
  })
  .strict();

/** Admin key management: GET/POST /api/v1/keys, DELETE /api/v1/keys/:id. */
export function keyRoutes(store: KeyStore) {
  return async (app: FastifyInstance) => {
    app.get('/keys', async (request) => {
      requireAdmin(request.principal);
      return { items: (await store.listKeys()).map(publicKeyView) };
    });
    app.post('/keys', async (request, reply) => {
      requireAdmin(request.principal);
      const parsed = createBody.safeParse(request.body);
      if (!parsed.success) {
        throw new InvalidRequestError(
          `invalid key: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
        );
      }
      const created = await createKey(store, parsed.data);
      return reply.status(201).send({ key: publicKeyView(created.record), secret: created.secret });
    });
    app.delete<{ Params: { id: string } }>('/keys/:id', async (request) => {
      requireAdmin(request.principal);
      await revokeKey(store, request.params.id);
      return { revoked: request.params.id };
    });
  };
}
