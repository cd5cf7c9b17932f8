import { join } from 'node:path';
import type { TenantryConfig } from '../config/config.js';
import { clickHouseConfigSchema, clickHouseOptionsOf } from './clickhouse/config.js';
import { openClickHouseStorage } from './clickhouse/index.js';
import { openDuckDbStorage } from './duckdb/index.js';
import type { ReadStore } from './read-types.js';
import type { StorageBase } from './types.js';

/** What the server needs of an engine: the write, lifecycle, key and alert stores plus reads. */
export type Storage = StorageBase & ReadStore;

export async function openStorage(config: TenantryConfig): Promise<Storage> {
  if (config.storage.engine === 'clickhouse') {
    const ch = config.storage.clickhouse ?? clickHouseConfigSchema.parse({});
    return openClickHouseStorage(clickHouseOptionsOf(ch));
  }
  return openDuckDbStorage({
    dataDir: config.server.dataDir === ':memory:' ? ':memory:' : join(config.server.dataDir),
    memoryLimitMiB: config.storage.duckdb.memoryLimitMiB,
  });
}
