/** Turns a finding into its replacement text according to the policy action. */
import { createHmac } from 'node:crypto';
import type { EntityType, PolicyAction } from './types.js';
import { CONTEXT_ENTITY_TYPES } from './types.js';

const CONTEXT_TYPES = new Set<EntityType>(CONTEXT_ENTITY_TYPES);

/** Values are normalised before hashing so `4111-1111...` and `4111 1111...` correlate. */
function canonical(type: EntityType, value: string): string {
  switch (type) {
    case 'EMAIL':
      return value.toLowerCase();
    case 'CREDIT_CARD':
    case 'PHONE':
    case 'IBAN':
    case 'US_SSN':
      return value.replace(/[^0-9A-Za-z+]/g, '').toUpperCase();
    case 'IP_ADDRESS':
      return value.toLowerCase();
    case 'PERSON':
    case 'ADDRESS':
    case 'HEALTH':
      // `Jane  Doe` and `jane doe` are one person: case and spacing do not split a hash.
      return value.toLowerCase().replace(/\s+/g, ' ').trim();
    case 'DATE_OF_BIRTH':
      return value.replace(/[^0-9A-Za-z]/g, '').toLowerCase();
    default:
      return value;
  }
}

export function hashTag(type: EntityType, value: string, tenantKey: Buffer): string {
  const mac = createHmac('sha256', tenantKey).update(canonical(type, value), 'utf8').digest('hex');
  return `[${type}:${mac.slice(0, 8)}]`;
}

/** Keeps the last 4 characters; short values keep nothing. The prefix length never leaks size. */
export function mask(value: string): string {
  if (value.length < 8) return '****';
  let from = value.length - 4;
  const c = value.charCodeAt(from);
  if (c >= 0xdc00 && c <= 0xdfff) from++;
  return `****${value.slice(from)}`;
}

/** Replacement text, or undefined for `allow` (leave the original). */
export function replace(
  type: EntityType,
  value: string,
  action: PolicyAction,
  tenantKey: Buffer,
): string | undefined {
  switch (action) {
    case 'redact':
      return `[REDACTED:${type}]`;
    case 'mask':
      // The last 4 characters of a name, address, birth date or diagnosis identify it: keep none.
      return CONTEXT_TYPES.has(type) ? '****' : mask(value);
    case 'hash':
      return hashTag(type, value, tenantKey);
    case 'drop':
      return '';
    case 'allow':
      return undefined;
  }
}

const MARKER = /^(?:\[REDACTED:[A-Z_]+\]|\[[A-Z_]+:[0-9a-f]{8}\]|\*{4}.{0,4})$/s;

/** Our own output (`[REDACTED:EMAIL]`, `[EMAIL:1a2b3c4d]`, `****1234`): redacting it again is a no-op. */
export function isMarker(value: string): boolean {
  return value.length <= 40 && MARKER.test(value);
}
