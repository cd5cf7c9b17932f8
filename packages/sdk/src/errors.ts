/**
 * SDK errors. These are the only things the SDK ever throws into the host app, and only for
 * misuse that would otherwise leak data between tenants.
 */
export class TenantryError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A run was started with a tenantId that is missing, empty, not a string or over 128 characters. */
export class InvalidTenantError extends TenantryError {
  constructor(message: string) {
    super('TENANTRY_E_INVALID_TENANT', message);
  }
}

/** A run for one tenant was started inside a run of another tenant, which would leak data. */
export class TenantMismatchError extends TenantryError {
  readonly activeTenant: string;
  readonly requestedTenant: string;

  constructor(activeTenant: string, requestedTenant: string) {
    super(
      'TENANTRY_E_TENANT_MISMATCH',
      `cannot start a run for tenant "${requestedTenant}" inside a run of tenant "${activeTenant}"`,
    );
    this.activeTenant = activeTenant;
    this.requestedTenant = requestedTenant;
  }
}
