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
 * - PERSON: a person's name (in text, or under a key such as `first_name` or `customer`).
 * - ADDRESS: a postal address (US, UK, DE, FR formats; or under a key such as `address`).
 * - DATE_OF_BIRTH: a date with birth context (`born`, `DOB`, `geboren`, `né le`), or under `dob`.
 * - HEALTH: a condition or medication with health context, or under `diagnosis`/`medications`.
 * The last four are found by context and scored (0-1); see ContextEntityType.
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
  | 'SENSITIVE_KEY'
  | 'PERSON'
  | 'ADDRESS'
  | 'DATE_OF_BIRTH'
  | 'HEALTH';

/** Types found by words and context rather than by a validator: each has a confidence threshold. */
export type ContextEntityType = 'PERSON' | 'ADDRESS' | 'DATE_OF_BIRTH' | 'HEALTH';

export const CONTEXT_ENTITY_TYPES: readonly ContextEntityType[] = [
  'PERSON',
  'ADDRESS',
  'DATE_OF_BIRTH',
  'HEALTH',
];

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
  'PERSON',
  'ADDRESS',
  'DATE_OF_BIRTH',
  'HEALTH',
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
  /**
   * Which context detectors run (PERSON, ADDRESS, DATE_OF_BIRTH, HEALTH); unlisted ones follow
   * DEFAULTS.detectors. Off means not looked for at all (nothing redacted, nothing counted);
   * `allow` instead finds and counts without changing the text.
   */
  detectors?: Partial<Record<ContextEntityType, boolean>>;
  /** Minimum confidence (0-1) for a context finding to count; unlisted ones use DEFAULTS.thresholds. */
  thresholds?: Partial<Record<ContextEntityType, number>>;
}

export interface RedactionPolicy extends TenantRedactionPolicy {
  /** Per-tenant overrides, merged over the base policy (sensitiveKeys are added, not replaced). */
  tenants?: Record<string, TenantRedactionPolicy>;
}

export interface RedactOptions {
  /** Selects the tenant's policy and hash key. */
  tenantId?: string;
  /**
   * The caller vouches that `value` is plain data, as JSON.parse or an OTLP decoder builds it:
   * no symbol keys, getters, Proxies, holes or named properties on arrays. `redact()` then
   * returns the input itself when nothing in it changed, and shares its unchanged objects and
   * arrays otherwise (copy on write), instead of a fresh copy. Output is the same either way for
   * plain data. Class instances, Maps, Sets, Errors and null-prototype objects are still copied.
   */
  plainData?: boolean;
}

export interface RedactResult<T = unknown> {
  /**
   * The redacted value: a copy, or with `plainData` the input itself or a value sharing its
   * unchanged parts. The input is never mutated; do not mutate this either when it may be shared.
   */
  value: T;
  /** Counts of findings by entity type (keys are EntityType names); never the values. */
  findings: Record<string, number>;
}

/** One context finding with its confidence; positions, never values. */
export interface ScoredFinding {
  type: EntityType;
  start: number;
  end: number;
  /** Confidence from 0 to 1 (validated and key-based findings score 1). */
  score: number;
}

export interface Redactor {
  /**
   * What the redactor would find in one string, with positions and confidences, including
   * context findings under their threshold (`counted: false`). For explaining and tuning policies.
   */
  analyze(s: string, opts?: RedactOptions): Array<ScoredFinding & { counted: boolean }>;
  /** Redacts strings, nested objects/arrays and JSON-encoded strings. Never throws. */
  redact<T>(value: T, opts?: RedactOptions): RedactResult<T>;
  /** Redacts one string (JSON inside it included). Never throws. */
  redactString(s: string, opts?: RedactOptions): RedactResult<string>;
}
