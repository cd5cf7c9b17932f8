import { TenantryError } from '../errors.js';

/**
 * A tenant sent more than its ingest limit allows (items, bytes, or processing time for its
 * payloads); retry after `Retry-After` seconds.
 */
export class RateLimitedError extends TenantryError {
  constructor(
    readonly retryAfterSeconds: number,
    message: string,
  ) {
    super('TENANTRY_E_RATE_LIMITED', message, { retryAfterSeconds });
  }
}

/** The write queue is full or storage is failing; nothing was stored, retry after `Retry-After`. */
export class ServerSaturatedError extends TenantryError {
  constructor(
    message: string,
    readonly retryAfterSeconds = 1,
  ) {
    super('TENANTRY_E_SATURATED', message, { retryAfterSeconds });
  }
}
