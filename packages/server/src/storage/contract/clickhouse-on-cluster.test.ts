import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ClickHouseCluster,
  type ClickHouseNode,
  startClickHouseCluster,
} from '../../../../../test/helpers/clickhouse.js';
import { startZooKeeper, type ZooKeeper } from '../../../../../test/helpers/zookeeper.js';
import { openClickHouseStorage } from '../clickhouse/index.js';
import { storageContract } from './contract.test-helper.js';
import { dataset } from './fixtures.js';

/**
 * A cluster as users run one with Keeper: two shards sharing a distributed DDL queue in ZooKeeper,
 * tenantry given ONE url and `onClusterDdl: true`, so every CREATE, ALTER, mutation and DROP
 * PARTITION runs once, `ON CLUSTER`, and reaches both nodes through the queue.
 */
let zk: ZooKeeper;
let cluster: ClickHouseCluster;
let n = 0;
beforeAll(async () => {
  zk = await startZooKeeper();
  cluster = await startClickHouseCluster(2, 'tenantry_keeper', { keeper: zk });
}, 120_000);
afterAll(async () => {
  await cluster?.stop();
  await zk?.stop();
});

const open = async (first = 0, database = `on_cluster_${process.pid}_${n++}`) => {
  const storage = await openClickHouseStorage({
    url: cluster.nodes[first]!.url,
    database,
    cluster: cluster.name,
    onClusterDdl: true,
  });
  await storage.migrate();
  return storage;
};

async function sql<T>(node: ClickHouseNode, query: string): Promise<T[]> {
  const res = await fetch(node.url, { method: 'POST', body: `${query} FORMAT JSONEachRow` });
  const text = await res.text();
  if (!res.ok) throw new Error(text);
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as T);
}

storageContract('clickhouse (2 shards, ON CLUSTER DDL through ZooKeeper)', () => open());

describe('clickhouse ON CLUSTER DDL', () => {
  it('creates every table on both nodes from one URL, and migrates once', async () => {
    const database = `on_cluster_schema_${process.pid}`;
    const viaA = await open(0, database);
    const tables = await Promise.all(
      cluster.nodes.map((node) =>
        sql<{ name: string }>(
          node,
          `SELECT name FROM system.tables WHERE database = '${database}' ORDER BY name`,
        ),
      ),
    );
    expect(tables[0]!.length).toBeGreaterThan(5);
    expect(tables[1]).toEqual(tables[0]);
    // Opening again through the other node finds the cluster migrated: nothing is applied twice.
    const applied = async () =>
      (
        await sql<{ version: number }>(
          cluster.nodes[0]!,
          `SELECT version FROM ${database}.schema_migrations ORDER BY version`,
        )
      ).map((r) => Number(r.version));
    const before = await applied();
    expect(new Set(before).size).toBe(before.length);
    const viaB = await open(1, database);
    expect((await viaB.listTenantIds()).length).toBe(0);
    await viaA.migrate();
    expect(await applied()).toEqual(before);
    await viaA.close();
    await viaB.close();
  });

  it('erases a tenant on both shards with one ON CLUSTER mutation', async () => {
    const database = `on_cluster_erase_${process.pid}`;
    const storage = await open(0, database);
    await storage.write(dataset());
    const tenantsPerNode = () =>
      Promise.all(
        cluster.nodes.map(async (node) =>
          (
            await sql<{ tenant_id: string }>(
              node,
              `SELECT DISTINCT tenant_id FROM ${database}.spans_local ORDER BY tenant_id`,
            )
          ).map((r) => r.tenant_id),
        ),
      );
    expect((await tenantsPerNode()).flat().sort()).toEqual(['_unassigned', 'alpha', 'beta']);
    await storage.deleteTenant('alpha');
    expect((await tenantsPerNode()).flat().sort()).toEqual(['_unassigned', 'beta']);
    expect(await storage.listTenantIds()).toEqual(['_unassigned', 'beta']);
    await storage.close();
  });
});
