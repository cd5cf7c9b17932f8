/**
 * Resolves a RedactionPolicy into the settings one call runs with: defaults, environment, the
 * base policy and the tenant's overrides, in that order. Resolution happens once per tenant.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { ContextThresholds } from '../context/pass.js';
import type {
  ContextEntityType,
  EntityType,
  PolicyAction,
  RedactionPolicy,
  TenantRedactionPolicy,
} from '../types.js';
import { CONTEXT_ENTITY_TYPES, ENTITY_TYPES } from '../types.js';
import { SensitiveKeys } from './keys.js';

export const DEFAULTS = {
  defaultAction: 'redact' as PolicyAction,
  maxStringLength: 65_536,
  maxDepth: 32,
  maxNodes: 20_000,
  parseJsonStrings: true,
  /** Context detectors on by default: all four (docs/security.md has the measurements). */
  detectors: { PERSON: true, ADDRESS: true, DATE_OF_BIRTH: true, HEALTH: true } as Record<
    ContextEntityType,
    boolean
  >,
  /** Minimum confidence per context type, chosen on the labelled corpus (src/corpus/context). */
  thresholds: { PERSON: 0.6, ADDRESS: 0.6, DATE_OF_BIRTH: 0.6, HEALTH: 0.6 } as Record<
    ContextEntityType,
    number
  >,
};

/** Settings for one tenant, ready to use on the hot path. */
export interface ResolvedPolicy {
  actions: Record<EntityType, PolicyAction>;
  keys: SensitiveKeys;
  maxStringLength: number;
  maxDepth: number;
  maxNodes: number;
  parseJsonStrings: boolean;
  /** HMAC key for `hash`, already derived for the tenant. */
  tenantHashKey: Buffer;
  /** Thresholds of the context detectors (Infinity = off), or undefined when all are off. */
  context: ContextThresholds | undefined;
}

export interface RedactConfig {
  policy: RedactionPolicy;
  /** Root secret for `hash`. */
  hashKey: Buffer;
}

/**
 * Reads the environment once: TENANTRY_REDACT_HASH_KEY sets the hash secret when the policy has
 * none. Without either, a random per-redactor key is used: hashes still correlate within one
 * process, and nobody can precompute them for low-entropy values like phone numbers.
 */
export function loadConfig(
  policy: RedactionPolicy = {},
  env: Record<string, string | undefined> = process.env,
): RedactConfig {
  const raw = policy.hashKey ?? env['TENANTRY_REDACT_HASH_KEY'];
  const hashKey =
    raw === undefined || raw.length === 0
      ? randomBytes(32)
      : Buffer.isBuffer(raw)
        ? raw
        : Buffer.from(raw, 'utf8');
  return { policy, hashKey };
}

/** Derives the tenant's HMAC key so equal values hash alike inside a tenant, never across. */
export function deriveTenantKey(root: Buffer, tenantId: string): Buffer {
  return createHmac('sha256', root).update(`tenantry/redact/v1/tenant:${tenantId}`).digest();
}

export function resolvePolicy(config: RedactConfig, tenantId: string): ResolvedPolicy {
  const base = config.policy;
  const tenant: TenantRedactionPolicy = base.tenants?.[tenantId] ?? {};
  const defaultAction = tenant.defaultAction ?? base.defaultAction ?? DEFAULTS.defaultAction;
  const actions = {} as Record<EntityType, PolicyAction>;
  for (const t of ENTITY_TYPES) {
    actions[t] = tenant.actions?.[t] ?? base.actions?.[t] ?? defaultAction;
  }
  const root =
    tenant.hashKey === undefined
      ? config.hashKey
      : Buffer.isBuffer(tenant.hashKey)
        ? tenant.hashKey
        : Buffer.from(tenant.hashKey, 'utf8');
  return {
    actions,
    keys: new SensitiveKeys([...(base.sensitiveKeys ?? []), ...(tenant.sensitiveKeys ?? [])]),
    maxStringLength: tenant.maxStringLength ?? base.maxStringLength ?? DEFAULTS.maxStringLength,
    maxDepth: tenant.maxDepth ?? base.maxDepth ?? DEFAULTS.maxDepth,
    maxNodes: tenant.maxNodes ?? base.maxNodes ?? DEFAULTS.maxNodes,
    parseJsonStrings: tenant.parseJsonStrings ?? base.parseJsonStrings ?? DEFAULTS.parseJsonStrings,
    tenantHashKey: deriveTenantKey(root, tenantId),
    context: resolveContext(base, tenant),
  };
}

function resolveContext(
  base: TenantRedactionPolicy,
  tenant: TenantRedactionPolicy,
): ContextThresholds | undefined {
  const th = {} as ContextThresholds;
  let any = false;
  for (const t of CONTEXT_ENTITY_TYPES) {
    const on = tenant.detectors?.[t] ?? base.detectors?.[t] ?? DEFAULTS.detectors[t];
    th[t] = on
      ? (tenant.thresholds?.[t] ?? base.thresholds?.[t] ?? DEFAULTS.thresholds[t])
      : Number.POSITIVE_INFINITY;
    any ||= on;
  }
  return any ? th : undefined;
}
