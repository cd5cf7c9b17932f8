import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClickHouseNode, startClickHouse } from '../../../../../test/helpers/clickhouse.js';
import { ChConnection } from './client.js';
import { migrate } from './schema.js';

describe('ClickHouse schema', () => {
  let node: ClickHouseNode;
  let ch: ChConnection;
  beforeAll(async () => {
    node = await startClickHouse();
    ch = await ChConnection.open({ url: node.url, database: 'tenantry_schema' });
  });
  afterAll(async () => {
    await ch?.close();
    await node?.stop();
  });

  it('creates every table with tenant_id leading its sort key, and migrates twice safely', async () => {
    await migrate(ch);
    await migrate(ch);
    const tables = await ch.query<{ name: string; sorting_key: string; engine: string }>(
      `SELECT name, sorting_key, engine FROM system.tables WHERE database = 'tenantry_schema' ORDER BY name`,
    );
    const byName = new Map(tables.map((t) => [t.name, t]));
    for (const t of ['spans', 'logs', 'metric_points', 'alert_states', 'alert_transitions']) {
      expect(byName.get(t)?.engine).toMatch(/MergeTree/);
    }
    const versions = await ch.query<{ version: number }>(
      'SELECT version FROM tenantry_schema.schema_migrations',
    );
    expect(versions.map((v) => Number(v.version))).toEqual([1]);
  });

  it('reports the connected version and decides features from it', () => {
    expect(ch.version).toMatch(/^\d+\.\d+/);
    if (ch.version.startsWith('18.')) {
      expect(ch.features).toEqual({
        lowCardinality: false,
        jsonExtract: false,
        asyncInsert: false,
      });
    }
  });
});
