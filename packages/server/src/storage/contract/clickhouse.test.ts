import { afterAll, beforeAll } from 'vitest';
import { type ClickHouseNode, startClickHouse } from '../../../../../test/helpers/clickhouse.js';
import { openClickHouseStorage } from '../clickhouse/index.js';
import { storageContract } from './contract.test-helper.js';
import { rollupContract } from './rollup.test-helper.js';
import { chRolledUpTenants, chRollupSweep } from './rollup-clickhouse.test-helper.js';

// TENANTRY_CLICKHOUSE_URL runs the suite against an existing server (e.g. a current release);
// otherwise a local clickhouse-server is started for it.
const external = process.env.TENANTRY_CLICKHOUSE_URL;
let node: ClickHouseNode | undefined;
let n = 0;
beforeAll(async () => {
  if (!external) node = await startClickHouse();
});
afterAll(() => node?.stop());

// One server for the suite; each open() gets its own database, so cases never share rows.
storageContract('clickhouse', async () => {
  const storage = await openClickHouseStorage({
    url: external ?? node!.url,
    database: `contract_${process.pid}_${n++}`,
  });
  await storage.migrate();
  return storage;
});

rollupContract(
  'clickhouse',
  async (which) => {
    const storage = await openClickHouseStorage({
      url: external ?? node!.url,
      database: `rollup_${which}_${process.pid}_${n++}`,
    });
    await storage.migrate();
    return storage;
  },
  chRollupSweep,
  chRolledUpTenants,
);
