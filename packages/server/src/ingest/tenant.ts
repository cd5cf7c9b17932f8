import type { Principal } from '../auth/principal.js';
import type { Attributes, AttributeValue } from '../storage/types.js';

export const UNASSIGNED_TENANT = '_unassigned';
export const MAX_TENANT_ID_LENGTH = 128;

export type TenantResolution =
  | { ok: true; tenantId: string }
  | { ok: false; reason: 'tenant_mismatch' | 'invalid_tenant'; claimed: string };

function claimedTenant(value: AttributeValue | undefined): string | undefined | null {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

function validTenantId(t: string): boolean {
  return t.length > 0 && t.length <= MAX_TENANT_ID_LENGTH && !/[\u0000-\u001f]/.test(t);
}

/**
 * The ingest rule: item `tenant.id`, then item `tenant_id`, then resource `tenant.id`, then the
 * key's tenant, then `_unassigned` (stored and counted, never dropped). A key bound to a tenant
 * stores everything as that tenant and rejects items that claim another: spoofing is refused.
 */
export function resolveTenant(
  principal: Principal,
  item: Attributes,
  resource: Attributes,
): TenantResolution {
  const claimed =
    claimedTenant(item['tenant.id']) ??
    claimedTenant(item.tenant_id) ??
    claimedTenant(resource['tenant.id']) ??
    claimedTenant(resource.tenant_id);
  if (claimed === null || (claimed !== undefined && !validTenantId(claimed))) {
    return { ok: false, reason: 'invalid_tenant', claimed: String(claimed).slice(0, 64) };
  }
  if (principal.tenantId !== null) {
    if (claimed !== undefined && claimed !== principal.tenantId) {
      return { ok: false, reason: 'tenant_mismatch', claimed };
    }
    return { ok: true, tenantId: principal.tenantId };
  }
  return { ok: true, tenantId: claimed ?? UNASSIGNED_TENANT };
}
