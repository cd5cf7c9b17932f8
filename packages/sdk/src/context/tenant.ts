/**
 * The tenant lives in the OTel Context under a private key, never in baggage: baggage is sent by
 * auto-instrumented HTTP clients to third parties, and a tenant id must not leave the platform.
 */
import { type Context, context, createContextKey } from '@opentelemetry/api';
import { InvalidTenantError, TenantMismatchError } from '../errors.js';

/** What a run puts into the context: who the work is for, and which agent does it. */
export interface RunScope {
  readonly tenantId: string;
  readonly agentId: string | undefined;
}

const SCOPE_KEY = createContextKey('tenantry.run-scope');

export const MAX_TENANT_ID_LENGTH = 128;

export function getScope(ctx: Context): RunScope | undefined {
  return ctx.getValue(SCOPE_KEY) as RunScope | undefined;
}

export function setScope(ctx: Context, scope: RunScope): Context {
  return ctx.setValue(SCOPE_KEY, scope);
}

/** The tenant of the active run, or undefined outside any run. */
export function currentTenant(): string | undefined {
  return getScope(context.active())?.tenantId;
}

/** Throws before any user code runs when the id could not safely label telemetry. */
export function validateTenantId(tenantId: unknown): string {
  if (tenantId === undefined || tenantId === null) {
    throw new InvalidTenantError('tenantId is required');
  }
  if (typeof tenantId !== 'string') {
    throw new InvalidTenantError(`tenantId must be a string, got ${typeof tenantId}`);
  }
  if (tenantId.trim().length === 0) throw new InvalidTenantError('tenantId must not be empty');
  if (tenantId.length > MAX_TENANT_ID_LENGTH) {
    throw new InvalidTenantError(
      `tenantId must be at most ${MAX_TENANT_ID_LENGTH} characters, got ${tenantId.length}`,
    );
  }
  return tenantId;
}

/** Rejects a run for another tenant inside an active run: that is exactly a cross-tenant leak. */
export function assertSameTenant(ctx: Context, tenantId: string): void {
  const active = getScope(ctx);
  if (active !== undefined && active.tenantId !== tenantId) {
    throw new TenantMismatchError(active.tenantId, tenantId);
  }
}
