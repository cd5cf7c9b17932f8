import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ClickHouseCluster,
  startClickHouseCluster,
} from '../../../../../test/helpers/clickhouse.js';
import { openClickHouseStorage } from '../clickhouse/index.js';
import { storageContract } from './contract.test-helper.js';
import { dataset } from './fixtures.js';

let cluster: ClickHouseCluster;
let n = 0;
beforeAll(async () => {
  cluster = await startClickHouseCluster(2);
});
afterAll(() => cluster?.stop());

const open = async (first = 0, database = `sharded_${process.pid}_${n++}`) => {
  const storage = await openClickHouseStorage({
    url: cluster.urls(first),
    database,
    cluster: cluster.name,
  });
  await storage.migrate();
  return storage;
};

// The same contract over two shards: local MergeTree tables behind Distributed tables.
storageContract('clickhouse (2 shards)', () => open());

describe('clickhouse sharding', () => {
  it('keeps each tenant on one shard and serves the same rows from either node', async () => {
    const database = `sharding_${process.pid}`;
    const viaA = await open(0, database);
    const viaB = await open(1, database);
    await viaA.write(dataset());
    const perNode = await Promise.all(
      cluster.nodes.map(async (node) => {
        const res = await fetch(node.url, {
          method: 'POST',
          body: `SELECT tenant_id, count() FROM ${database}.spans_local GROUP BY tenant_id ORDER BY tenant_id FORMAT JSONCompact`,
        });
        const body = (await res.json()) as { data: Array<[string, string]> };
        return body.data.map(([t]) => t);
      }),
    );
    // Every tenant lives on exactly one shard, and together the shards hold all three.
    expect(perNode.flat().sort()).toEqual(['_unassigned', 'alpha', 'beta']);
    expect(await viaB.listTenantIds()).toEqual(['_unassigned', 'alpha', 'beta']);
    expect(await viaB.traceSpans({ tenantId: 'alpha' }, '1'.padStart(32, '0'))).toEqual(
      await viaA.traceSpans({ tenantId: 'alpha' }, '1'.padStart(32, '0')),
    );
    // A span resent through the other node is still a duplicate.
    expect(await viaB.write(dataset())).toMatchObject({ spansWritten: 0, spansDuplicate: 46 });
    await viaA.close();
    await viaB.close();
  });
});
