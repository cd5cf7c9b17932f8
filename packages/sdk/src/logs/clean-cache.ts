/**
 * Log lines repeat: the same message templates and the same numeric fields, line after line.
 * When a policy redactor found nothing in a message, or in a fields object whose values are all
 * small numbers, booleans or null (so that only its keys can matter), that verdict is remembered
 * per tenant and the next identical case skips the scan. Only clean verdicts are kept, so the
 * cache never holds a finding; init() clears it since the verdicts depend on the policy.
 */
const MAX_ENTRIES_PER_TENANT = 1024;
const MAX_TENANTS = 2048;
const MAX_KEY_LENGTH = 512;

/**
 * No PII type the redactor knows (phone, card, IBAN, SSN, ...) fits in a number this small;
 * bigger numbers are always scanned.
 */
const INERT_NUMBER_LIMIT = 100_000;

/** Clean verdicts per tenant, bounded in tenants and entries. */
export class CleanVerdicts {
  private readonly byTenant = new Map<string, Set<string>>();

  has(tenantId: string | undefined, key: string): boolean {
    return this.byTenant.get(tenantId ?? '')?.has(key) === true;
  }

  add(tenantId: string | undefined, key: string): void {
    if (key.length > MAX_KEY_LENGTH) return;
    let set = this.byTenant.get(tenantId ?? '');
    if (set === undefined) {
      if (this.byTenant.size >= MAX_TENANTS) this.byTenant.clear();
      set = new Set();
      this.byTenant.set(tenantId ?? '', set);
    }
    if (set.size >= MAX_ENTRIES_PER_TENANT) set.clear();
    set.add(key);
  }

  clear(): void {
    this.byTenant.clear();
  }
}

/** Keyed by the message itself: a literal template is the same string object every call. */
export const cleanMessages = new CleanVerdicts();
export const cleanShapes = new CleanVerdicts();

/** A key for fields whose verdict depends only on their keys and value types, else undefined. */
export function shapeKey(fields: Record<string, unknown>): string | undefined {
  let key = '';
  for (const name in fields) {
    const v = fields[name];
    // The value's type is part of the shape: a policy may treat `null` and numbers differently.
    if (v === null) key += `n${name}\u0000`;
    else if (typeof v === 'boolean') key += `b${name}\u0000`;
    else if (typeof v === 'number' && Math.abs(v) < INERT_NUMBER_LIMIT) key += `i${name}\u0000`;
    else return undefined;
  }
  return key;
}

export function forgetCleanVerdicts(): void {
  cleanMessages.clear();
  cleanShapes.clear();
}
