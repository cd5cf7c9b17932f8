/**
 * Server errors: classes with stable codes. The HTTP layer (http/errors.ts) maps codes to
 * statuses in one place; domains add their own subclasses in their folder's errors.ts.
 */
export class TenantryError extends Error {
  readonly code: string;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }
}

/** A request parameter or body is malformed; the message says which and why. */
export class InvalidRequestError extends TenantryError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('TENANTRY_E_INVALID_REQUEST', message, details);
  }
}

/** No API key was sent, or the key is unknown or revoked. */
export class UnauthenticatedError extends TenantryError {
  constructor(message = 'missing or unknown API key: send Authorization: Bearer tnt_...') {
    super('TENANTRY_E_UNAUTHENTICATED', message);
  }
}

/** The key is valid but its kind may not do this (e.g. a read key writing, a non-admin managing keys). */
export class ForbiddenError extends TenantryError {
  constructor(message: string) {
    super('TENANTRY_E_FORBIDDEN', message);
  }
}

/** Also answered for another tenant's objects, so that ids are no oracle. */
export class NotFoundError extends TenantryError {
  constructor(message: string) {
    super('TENANTRY_E_NOT_FOUND', message);
  }
}
