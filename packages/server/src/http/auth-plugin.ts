import type { FastifyRequest } from 'fastify';
import type { Principal } from '../auth/principal.js';
import './request-context.js';

export type Authenticate = (request: FastifyRequest) => Promise<Principal>;
