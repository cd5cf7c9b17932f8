/**
 * Validates a policy loaded from JSON or YAML (the edge); after this the types are trusted.
 * Hand-written rather than zod so the SDK's hot dependency stays dependency-free.
 */
import { InvalidPolicyError } from '../errors.js';
import type {
  ContextEntityType,
  EntityType,
  PolicyAction,
  RedactionPolicy,
  TenantRedactionPolicy,
} from '../types.js';
import { CONTEXT_ENTITY_TYPES, ENTITY_TYPES, POLICY_ACTIONS } from '../types.js';

const TENANT_FIELDS = [
  'actions',
  'defaultAction',
  'sensitiveKeys',
  'maxStringLength',
  'maxDepth',
  'maxNodes',
  'parseJsonStrings',
  'hashKey',
  'detectors',
  'thresholds',
] as const;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function action(v: unknown, path: string): PolicyAction {
  if (typeof v === 'string' && (POLICY_ACTIONS as readonly string[]).includes(v)) {
    return v as PolicyAction;
  }
  throw new InvalidPolicyError(
    path,
    `expected one of ${POLICY_ACTIONS.join(', ')}, got ${JSON.stringify(v)}`,
  );
}

function intInRange(v: unknown, path: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new InvalidPolicyError(
      path,
      `expected an integer from ${min} to ${max}, got ${JSON.stringify(v)}`,
    );
  }
  return v;
}

function parseTenantPolicy(input: unknown, path: string, allowTenants: boolean): RedactionPolicy {
  if (!isRecord(input)) throw new InvalidPolicyError(path, 'expected an object');
  const out: RedactionPolicy = {};
  for (const [field, v] of Object.entries(input)) {
    const at = `${path}.${field}`;
    switch (field) {
      case 'actions': {
        if (!isRecord(v)) throw new InvalidPolicyError(at, 'expected an object of type -> action');
        const actions: Partial<Record<EntityType, PolicyAction>> = {};
        for (const [type, a] of Object.entries(v)) {
          if (!(ENTITY_TYPES as readonly string[]).includes(type)) {
            throw new InvalidPolicyError(
              `${at}.${type}`,
              `unknown entity type (expected one of ${ENTITY_TYPES.join(', ')})`,
            );
          }
          actions[type as EntityType] = action(a, `${at}.${type}`);
        }
        out.actions = actions;
        break;
      }
      case 'defaultAction':
        out.defaultAction = action(v, at);
        break;
      case 'sensitiveKeys':
        if (!Array.isArray(v) || !v.every((k) => typeof k === 'string' && k.trim() !== '')) {
          throw new InvalidPolicyError(at, 'expected an array of non-empty strings');
        }
        out.sensitiveKeys = v as string[];
        break;
      case 'maxStringLength':
        out.maxStringLength = intInRange(v, at, 64, 100 * 1024 * 1024);
        break;
      case 'maxDepth':
        out.maxDepth = intInRange(v, at, 1, 1000);
        break;
      case 'maxNodes':
        out.maxNodes = intInRange(v, at, 1, 10_000_000);
        break;
      case 'parseJsonStrings':
        if (typeof v !== 'boolean') throw new InvalidPolicyError(at, 'expected true or false');
        out.parseJsonStrings = v;
        break;
      case 'hashKey':
        if (typeof v === 'string' && v.length >= 16) out.hashKey = v;
        else if (Buffer.isBuffer(v) && v.length >= 16) out.hashKey = v;
        else throw new InvalidPolicyError(at, 'expected a secret of at least 16 characters');
        break;
      case 'detectors':
        out.detectors = perContextType(v, at, (x, p) => {
          if (typeof x !== 'boolean') throw new InvalidPolicyError(p, 'expected true or false');
          return x;
        });
        break;
      case 'thresholds':
        out.thresholds = perContextType(v, at, (x, p) => {
          if (typeof x !== 'number' || !(x >= 0 && x <= 1)) {
            throw new InvalidPolicyError(
              p,
              `expected a number from 0 to 1, got ${JSON.stringify(x)}`,
            );
          }
          return x;
        });
        break;
      case 'tenants': {
        if (!allowTenants) throw new InvalidPolicyError(at, 'tenant policies cannot nest');
        if (!isRecord(v))
          throw new InvalidPolicyError(at, 'expected an object of tenant id -> policy');
        const tenants: Record<string, TenantRedactionPolicy> = {};
        for (const [id, p] of Object.entries(v)) {
          tenants[id] = parseTenantPolicy(p, `${at}.${id}`, false);
        }
        out.tenants = tenants;
        break;
      }
      default:
        throw new InvalidPolicyError(
          at,
          `unknown field (expected one of ${[...TENANT_FIELDS, ...(allowTenants ? ['tenants'] : [])].join(', ')})`,
        );
    }
  }
  return out;
}

/** `{ PERSON: …, HEALTH: … }`: only context-scored types may be listed. */
function perContextType<T>(
  v: unknown,
  at: string,
  check: (x: unknown, path: string) => T,
): Partial<Record<ContextEntityType, T>> {
  if (!isRecord(v)) throw new InvalidPolicyError(at, 'expected an object of type -> value');
  const out: Partial<Record<ContextEntityType, T>> = {};
  for (const [type, x] of Object.entries(v)) {
    if (!(CONTEXT_ENTITY_TYPES as readonly string[]).includes(type)) {
      throw new InvalidPolicyError(
        `${at}.${type}`,
        `not a context-scored type (expected one of ${CONTEXT_ENTITY_TYPES.join(', ')})`,
      );
    }
    out[type as ContextEntityType] = check(x, `${at}.${type}`);
  }
  return out;
}

/** Validates a JSON/YAML-loaded policy; throws InvalidPolicyError (TENANTRY_E_INVALID_POLICY). */
export function parsePolicy(input: unknown): RedactionPolicy {
  return parseTenantPolicy(input ?? {}, 'policy', true);
}
