import { TenantryError } from '../errors.js';

/** A change event (POST /api/v1/events) fails validation; `path` names the bad field. */
export class InvalidEventError extends TenantryError {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super('TENANTRY_E_INVALID_EVENT', message, { path });
  }
}
