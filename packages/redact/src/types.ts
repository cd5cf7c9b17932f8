/**
 * The public vocabulary of @tenantry/redact. Other packages code against these names, so they are
 * a contract: add entity types, never rename them.
 */

/**
 * What a finding is.
 * - EMAIL: an email address.
 * - PHONE: a phone number (E.164 or a common national format).
 * - CREDIT_CARD: a 13-19 digit payment card number that passes the Luhn check.
 * - IBAN: an international bank account number that passes the mod-97 check.
 * - US_SSN: a US social security number outside the never-issued ranges.
 * - IP_ADDRESS: an IPv4 or IPv6 address.
 * - SECRET: a provider API key or token recognised by its shape (OpenAI, Anthropic, AWS, GitHub,
 *   Slack, Stripe, Google, JWT, PEM private key).
 * - CREDENTIAL: a credential recognised by its context (`Bearer`/`Basic` authorization values,
 *   `user:pass@` in URLs, token-like query parameters, `password=...` assignments in text).
 * - SENSITIVE_KEY: any value stored under a sensitive key (password, token, cookie, ...).
 */
export type EntityType =
  | 'EMAIL'
  | 'PHONE'
  | 'CREDIT_CARD'
  | 'IBAN'
  | 'US_SSN'
  | 'IP_ADDRESS'
  | 'SECRET'
  | 'CREDENTIAL'
  | 'SENSITIVE_KEY';

export const ENTITY_TYPES: readonly EntityType[] = [
  'EMAIL',
  'PHONE',
  'CREDIT_CARD',
  'IBAN',
  'US_SSN',
  'IP_ADDRESS',
  'SECRET',
  'CREDENTIAL',
  'SENSITIVE_KEY',
];

/**
 * What happens to a finding.
 * - redact: `[REDACTED:EMAIL]`
 * - mask: `****1234` (only the last 4 characters survive; values under 8 characters become `****`)
 * - hash: `[EMAIL:1a2b3c4d]`, an HMAC under a per-tenant key, so equal values correlate inside one
 *   tenant and never across tenants
 * - drop: removed (from text; a sensitive key's property is removed from its object)
 * - allow: left as is (still counted in findings)
 */
export type PolicyAction = 'redact' | 'mask' | 'hash' | 'drop' | 'allow';

export const POLICY_ACTIONS: readonly PolicyAction[] = ['redact', 'mask', 'hash', 'drop', 'allow'];

/** Settings a tenant may override. */
export interface TenantRedactionPolicy {
  /** Action per entity type; types not listed use `defaultAction`. */
  actions?: Partial<Record<EntityType, PolicyAction>>;
  /** Action for types not listed in `actions` (default `redact`). */
  defaultAction?: PolicyAction;
  /** Extra sensitive keys, added to the built-in list (matching ignores case and `-`/`_`/`.`). */
  sensitiveKeys?: string[];
  /** Strings longer than this (in UTF-16 units) are cut, with a `…[TRUNCATED:n]` marker. */
  maxStringLength?: number;
  /** Nesting deeper than this is replaced by `[TRUNCATED:DEPTH]`. */
  maxDepth?: number;
  /** At most this many values (objects, arrays, scalars) are visited per call; the rest become `[TRUNCATED:SIZE]`. */
  maxNodes?: number;
  /** Parse strings that hold JSON objects/arrays and redact inside them (default true). */
  parseJsonStrings?: boolean;
  /** Secret for `hash`; the per-tenant HMAC key is derived from it and the tenant id. */
  hashKey?: string | Buffer;
}

export interface RedactionPolicy extends TenantRedactionPolicy {
  /** Per-tenant overrides, merged over the base policy (sensitiveKeys are added, not replaced). */
  tenants?: Record<string, TenantRedactionPolicy>;
}

export interface RedactOptions {
  /** Selects the tenant's policy and hash key. */
  tenantId?: string;
}

export interface RedactResult<T = unknown> {
  /** A redacted copy; the input is never mutated. */
  value: T;
  /** Counts of findings by entity type (keys are EntityType names); never the values. */
  findings: Record<string, number>;
}

export interface Redactor {
  /** Redacts strings, nested objects/arrays and JSON-encoded strings. Never throws. */
  redact<T>(value: T, opts?: RedactOptions): RedactResult<T>;
  /** Redacts one string (JSON inside it included). Never throws. */
  redactString(s: string, opts?: RedactOptions): RedactResult<string>;
}
