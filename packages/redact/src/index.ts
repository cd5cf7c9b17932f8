/** @tenantry/redact: PII and secret detection with per-tenant policies. No OpenTelemetry here. */
export { InvalidPolicyError, RedactError } from './errors.js';
export { DEFAULTS, loadConfig } from './policy/config.js';
export { DEFAULT_SENSITIVE_KEYS, normalizeKey } from './policy/keys.js';
export { parsePolicy } from './policy/parse.js';
export { createRedactor } from './redactor.js';
export type {
  EntityType,
  PolicyAction,
  RedactionPolicy,
  RedactOptions,
  Redactor,
  RedactResult,
  TenantRedactionPolicy,
} from './types.js';
export { ENTITY_TYPES, POLICY_ACTIONS } from './types.js';
