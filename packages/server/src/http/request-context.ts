import type {} from 'fastify';
import type { Principal } from '../auth/principal.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth hook (auth/hook.ts) before any /v1 or /api route handler runs. */
    principal: Principal;
  }
}
