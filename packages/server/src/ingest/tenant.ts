import type { Principal } from '../auth/principal.js';
import type { Attributes, AttributeValue } from '../storage/types.js';

export const UNASSIGNED_TENANT = '_unassigned';
export const MAX_TENANT_ID_LENGTH = 128;
/**
 * The partition key of items whose tenant is their trace's, not yet known (ingest/trace-tenant.ts).
 * Never a valid tenant id, so it cannot collide with one.
 */
export const TRACE_TENANT_PENDING = '';

/** The attributes that name an item's tenant when tenantry.yaml says nothing (ingest.tenantAttributes). */
export const DEFAULT_TENANT_ATTRIBUTES: readonly string[] = ['tenant.id', 'tenant_id'];

export type TenantResolution =
  | { ok: true; tenantId: string; claimed: boolean }
  | {
      ok: false;
      reason: 'tenant_mismatch' | 'invalid_tenant' | 'tenant_conflict';
      claimed: string;
    };

/** An item states one tenant and its resource another. */
export interface TenantConflict {
  item: string;
  resource: string;
}

/**
 * Reads the tenant an item claims: undefined when it claims none, null when the value is unusable,
 * a conflict when the item and its resource state different tenants.
 */
export type TenantClaim = (
  item: Attributes,
  resource: Attributes,
) => string | undefined | null | TenantConflict;

function claimValue(value: AttributeValue | undefined): string | undefined | null {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

/**
 * One attribute name as a reader. `metadata.tenant_id` is the attribute of that name or, when the
 * item has none, key `tenant_id` of a `metadata` attribute that holds a JSON object (OpenInference
 * and Langfuse keep metadata that way); both read only when configured.
 */
function attributeReader(name: string): (attrs: Attributes) => AttributeValue | undefined {
  const dot = name.indexOf('.');
  if (dot <= 0 || dot === name.length - 1) return (attrs) => attrs[name];
  const parents: Array<[string, string]> = [];
  for (let i = dot; i > 0 && i < name.length - 1; i = name.indexOf('.', i + 1)) {
    parents.push([name.slice(0, i), name.slice(i + 1)]);
  }
  return (attrs) => {
    const direct = attrs[name];
    if (direct !== undefined) return direct;
    for (const [parent, key] of parents) {
      const holder = attrs[parent];
      const nested = nestedValue(holder, key);
      if (nested !== undefined) return nested;
    }
    return undefined;
  };
}

function nestedValue(holder: AttributeValue | undefined, key: string): AttributeValue | undefined {
  if (holder === undefined || holder === null) return undefined;
  if (typeof holder === 'string') {
    if (holder.length === 0 || holder[0] !== '{' || !holder.includes(key)) return undefined;
    try {
      return nestedValue(JSON.parse(holder) as AttributeValue, key);
    } catch {
      return undefined;
    }
  }
  if (typeof holder === 'object' && !Array.isArray(holder)) return holder[key];
  return undefined;
}

/**
 * The claim reader for a list of attribute names in order of preference: each name on the item,
 * then each name on its resource.
 */
export function tenantClaimReader(
  names: readonly string[] = DEFAULT_TENANT_ATTRIBUTES,
): TenantClaim {
  const readers = names.map(attributeReader);
  const first = (attrs: Attributes) => {
    for (const read of readers) {
      const v = claimValue(read(attrs));
      if (v !== undefined) return v;
    }
    return undefined;
  };
  // A request's items share their resource's object: its claim is read once a run of them.
  // (Decoded attributes are not changed after decoding: storage/json.ts relies on it too.)
  let lastResource: Attributes | null = null;
  let lastShared: string | undefined | null;
  return (item, resource) => {
    const own = first(item);
    if (resource !== lastResource) {
      lastResource = resource;
      lastShared = first(resource);
    }
    const shared = lastShared;
    if (own === undefined) return shared;
    // A span of tenant A under a resource of tenant B is refused, never filed under either.
    if (typeof own === 'string' && typeof shared === 'string' && own !== shared) {
      return { item: own, resource: shared };
    }
    return own;
  };
}

export function validTenantId(t: string): boolean {
  // Consecutive items mostly state the same tenant: checked once a run of them.
  if (t === lastValidTenant) return true;
  const valid = t.length > 0 && t.length <= MAX_TENANT_ID_LENGTH && !/[\u0000-\u001f]/.test(t);
  if (valid) lastValidTenant = t;
  return valid;
}
let lastValidTenant = '';

const DEFAULT_CLAIM = tenantClaimReader();

/**
 * The ingest rule for one item: its own claim (the configured attributes on the item, then on its
 * resource), then the key's tenant. A key bound to a tenant stores everything as that tenant and
 * rejects items that claim another: spoofing is refused. An item of an unbound key that claims
 * nothing resolves to `TRACE_TENANT_PENDING`: it takes its trace's tenant (ingest/trace-tenant.ts).
 */
export function resolveTenant(
  principal: Principal,
  item: Attributes,
  resource: Attributes,
  claimOf: TenantClaim = DEFAULT_CLAIM,
): TenantResolution {
  const claimed = claimOf(item, resource);
  if (claimed !== null && typeof claimed === 'object') {
    return { ok: false, reason: 'tenant_conflict', claimed: claimed.item.slice(0, 64) };
  }
  if (claimed === null || (claimed !== undefined && !validTenantId(claimed))) {
    return { ok: false, reason: 'invalid_tenant', claimed: String(claimed).slice(0, 64) };
  }
  if (principal.tenantId !== null) {
    if (claimed !== undefined && claimed !== principal.tenantId) {
      return { ok: false, reason: 'tenant_mismatch', claimed };
    }
    return { ok: true, tenantId: principal.tenantId, claimed: false };
  }
  if (claimed !== undefined) return { ok: true, tenantId: claimed, claimed: true };
  return { ok: true, tenantId: TRACE_TENANT_PENDING, claimed: false };
}
