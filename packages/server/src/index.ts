/** @tenantry/server: OTLP ingest, tenant-bound keys, storage, query API, alerts. */
export type { AlertDataSource, RunawayCandidate, TenantWindowStats } from './alerts/source.js';
export { createKey, publicKeyView, revokeKey, verifyKey } from './auth/keys.js';
export type { Principal } from './auth/principal.js';
export { type Clock, systemClock } from './clock.js';
export {
  type ConfigOverrides,
  InvalidConfigError,
  loadConfig,
  parseConfig,
  type TenantryConfig,
} from './config/config.js';
export {
  ForbiddenError,
  InvalidRequestError,
  NotFoundError,
  TenantryError,
  UnauthenticatedError,
} from './errors.js';
export type * from './query/contract.js';
export {
  type BootstrapKeys,
  type RunningServer,
  type StartServerOptions,
  startServer,
} from './server.js';
export { openStorage, type Storage } from './storage/open.js';
export type { ApiKeyRecord, StorageBase } from './storage/types.js';
