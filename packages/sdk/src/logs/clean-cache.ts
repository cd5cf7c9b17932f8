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

/** Field names found clean, by value type: `n` null, `b` boolean, `i` small number. */
interface CleanKeys {
  n: Set<string>;
  b: Set<string>;
  i: Set<string>;
}

const cleanKeys = new Map<string, CleanKeys>();

type InertType = 'n' | 'b' | 'i';

function inertType(v: unknown): InertType | undefined {
  if (v === null) return 'n';
  if (typeof v === 'boolean') return 'b';
  if (typeof v === 'number' && Math.abs(v) < INERT_NUMBER_LIMIT) return 'i';
  return undefined;
}

/**
 * True when every value is inert and every field name was found clean for that value type
 * before. A name's verdict does not depend on its neighbours: sensitive keys are matched one by
 * one, and inert values carry nothing to detect. A policy may treat `null` and numbers
 * differently, hence one set per type.
 */
export function fieldsKnownClean(tenantId: string | undefined, fields: object): boolean {
  const known = cleanKeys.get(tenantId ?? '');
  if (known === undefined) return false;
  const record = fields as Record<string, unknown>;
  for (const name in record) {
    const type = inertType(record[name]);
    if (type === undefined || !known[type].has(name)) return false;
  }
  return true;
}

/** Records the names of an all-inert fields object the redactor found nothing in. */
export function rememberCleanFields(tenantId: string | undefined, fields: object): void {
  const record = fields as Record<string, unknown>;
  const types: [string, InertType][] = [];
  for (const name in record) {
    const type = inertType(record[name]);
    if (type === undefined || name.length > MAX_KEY_LENGTH) return;
    types.push([name, type]);
  }
  let known = cleanKeys.get(tenantId ?? '');
  if (known === undefined) {
    if (cleanKeys.size >= MAX_TENANTS) cleanKeys.clear();
    known = { n: new Set(), b: new Set(), i: new Set() };
    cleanKeys.set(tenantId ?? '', known);
  }
  for (const [name, type] of types) {
    if (known[type].size >= MAX_ENTRIES_PER_TENANT) known[type].clear();
    known[type].add(name);
  }
}

export function forgetCleanVerdicts(): void {
  cleanMessages.clear();
  cleanKeys.clear();
}
