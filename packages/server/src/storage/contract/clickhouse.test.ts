import { afterAll, beforeAll } from 'vitest';
import { type ClickHouseNode, startClickHouse } from '../../../../../test/helpers/clickhouse.js';
import { openClickHouseStorage } from '../clickhouse/index.js';
import { storageContract } from './contract.test-helper.js';

let node: ClickHouseNode;
let n = 0;
beforeAll(async () => {
  node = await startClickHouse();
});
afterAll(() => node?.stop());

// One server for the suite; each open() gets its own database, so cases never share rows.
storageContract('clickhouse', async () => {
  const storage = await openClickHouseStorage({
    url: node.url,
    database: `contract_${process.pid}_${n++}`,
  });
  await storage.migrate();
  return storage;
});
