import type { FastifyReply } from 'fastify';
import { TenantryError } from '../errors.js';

/** An unexpected server fault; details go to the server log, never into the response. */
const INTERNAL = 'TENANTRY_E_INTERNAL';

/** The one place where error codes become HTTP statuses. Unknown codes are 500. */
const STATUS_BY_CODE: Record<string, number> = {
  TENANTRY_E_INVALID_REQUEST: 400,
  TENANTRY_E_OTLP_MALFORMED: 400,
  TENANTRY_E_OTLP_LIMIT: 400,
  TENANTRY_E_INVALID_RULE: 400,
  TENANTRY_E_INVALID_EVENT: 400,
  TENANTRY_E_INVALID_CONFIG: 400,
  TENANTRY_E_INVALID_POLICY: 400,
  TENANTRY_E_UNAUTHENTICATED: 401,
  TENANTRY_E_FORBIDDEN: 403,
  TENANTRY_E_NOT_FOUND: 404,
  TENANTRY_E_PAYLOAD_TOO_LARGE: 413,
  TENANTRY_E_UNSUPPORTED_MEDIA_TYPE: 415,
  TENANTRY_E_RATE_LIMITED: 429,
  TENANTRY_E_SATURATED: 503,
};

/** gRPC status codes, for google.rpc.Status bodies answered to protobuf OTLP clients. */
const GRPC_BY_STATUS: Record<number, number> = {
  400: 3,
  401: 16,
  403: 7,
  404: 5,
  413: 8,
  415: 3,
  429: 8,
  500: 13,
  503: 14,
};

export interface MappedError {
  status: number;
  code: string;
  message: string;
  retryAfterSeconds: number | null;
  grpcCode: number;
}

export function mapError(err: unknown): MappedError {
  if (err instanceof TenantryError) {
    const status = STATUS_BY_CODE[err.code] ?? 500;
    const retry = err.details?.retryAfterSeconds;
    return {
      status,
      code: err.code,
      message: err.message,
      retryAfterSeconds: typeof retry === 'number' ? retry : null,
      grpcCode: GRPC_BY_STATUS[status] ?? 2,
    };
  }
  const fastifyError = err as {
    statusCode?: number;
    code?: string;
    message?: string;
    validation?: unknown;
  };
  if (fastifyError.validation !== undefined || fastifyError.statusCode === 400) {
    return {
      status: 400,
      code: 'TENANTRY_E_INVALID_REQUEST',
      message: fastifyError.message ?? 'invalid request',
      retryAfterSeconds: null,
      grpcCode: 3,
    };
  }
  if (
    fastifyError.statusCode === 413 ||
    fastifyError.statusCode === 415 ||
    fastifyError.statusCode === 404
  ) {
    const status = fastifyError.statusCode;
    return {
      status,
      code:
        status === 413
          ? 'TENANTRY_E_PAYLOAD_TOO_LARGE'
          : status === 415
            ? 'TENANTRY_E_UNSUPPORTED_MEDIA_TYPE'
            : 'TENANTRY_E_NOT_FOUND',
      message: fastifyError.message ?? 'request refused',
      retryAfterSeconds: null,
      grpcCode: GRPC_BY_STATUS[status] ?? 2,
    };
  }
  return {
    status: 500,
    code: INTERNAL,
    message: 'internal error; see the server log',
    retryAfterSeconds: null,
    grpcCode: 13,
  };
}

export function sendJsonError(reply: FastifyReply, mapped: MappedError): FastifyReply {
  if (mapped.retryAfterSeconds !== null)
    reply.header('retry-after', String(mapped.retryAfterSeconds));
  return reply
    .status(mapped.status)
    .type('application/json')
    .send({ error: { code: mapped.code, message: mapped.message } });
}
