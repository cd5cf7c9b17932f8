import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { InvalidRequestError, NotFoundError } from '../errors.js';
import type { ApiKeyRecord, KeyStore } from '../storage/types.js';

export const KEY_PREFIX = 'tnt_';
const TENANT_ID = /^[^\u0000-\u001f]{1,128}$/;

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export interface CreatedKey {
  record: ApiKeyRecord;
  /** Shown once; only its hash is stored. */
  secret: string;
}

/** 32 random bytes (256 bits), base64url: not guessable, not enumerable. */
export async function createKey(
  store: KeyStore,
  input: { kind: ApiKeyRecord['kind']; tenantId?: string | null; name?: string },
  now = new Date(),
): Promise<CreatedKey> {
  const tenantId = input.tenantId ?? null;
  if (tenantId !== null && !TENANT_ID.test(tenantId)) {
    throw new InvalidRequestError('tenantId must be 1-128 printable characters');
  }
  if (input.kind === 'admin' && tenantId !== null) {
    throw new InvalidRequestError('an admin key cannot be bound to a tenant');
  }
  const secret = KEY_PREFIX + randomBytes(32).toString('base64url');
  const record: ApiKeyRecord = {
    id: `key_${randomUUID().replaceAll('-', '').slice(0, 16)}`,
    hash: hashSecret(secret),
    prefix: secret.slice(0, 10),
    kind: input.kind,
    tenantId,
    name: input.name ?? `${input.kind}${tenantId ? `:${tenantId}` : ''}`,
    createdAt: now.toISOString(),
    revokedAt: null,
  };
  await store.insertKey(record);
  return { record, secret };
}

/**
 * Looks a presented secret up by its hash and compares hashes in constant time, so neither the
 * lookup nor the comparison leaks how much of a guess was right.
 */
export async function verifyKey(store: KeyStore, secret: string): Promise<ApiKeyRecord | null> {
  if (!secret.startsWith(KEY_PREFIX) || secret.length > 200) return null;
  const hash = hashSecret(secret);
  const record = await store.findKeyByHash(hash);
  if (!record || record.revokedAt !== null) return null;
  const a = Buffer.from(record.hash, 'hex');
  const b = Buffer.from(hash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b) ? record : null;
}

export async function revokeKey(store: KeyStore, id: string, now = new Date()): Promise<void> {
  const ok = await store.revokeKey(id, now.toISOString());
  if (!ok) throw new NotFoundError(`key '${id}' not found or already revoked`);
}

/** A listing never includes hashes. */
export function publicKeyView(k: ApiKeyRecord) {
  return {
    id: k.id,
    prefix: k.prefix,
    kind: k.kind,
    tenantId: k.tenantId,
    name: k.name,
    createdAt: k.createdAt,
    revokedAt: k.revokedAt,
  };
}
