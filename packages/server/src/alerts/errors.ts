import { TenantryError } from '../errors.js';

/** An alert rule (tenantry.yaml `alerts:` or PUT /api/v1/alert-rules) fails validation; `path` names the bad field. */
export class InvalidRuleError extends TenantryError {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super('TENANTRY_E_INVALID_RULE', message, { path });
  }
}
