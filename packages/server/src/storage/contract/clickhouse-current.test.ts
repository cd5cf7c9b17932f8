import { afterAll, beforeAll } from 'vitest';
import { type ClickHouseTarget, startChdb } from '../../../../../test/helpers/chdb.js';
import { openClickHouseStorage } from '../clickhouse/index.js';
import { storageContract } from './contract.test-helper.js';
import { rollupContract } from './rollup.test-helper.js';
import { chRolledUpTenants, chRollupSweep } from './rollup-clickhouse.test-helper.js';

// The same contract on a current ClickHouse: chDB runs the 26.x engine in-process and the adapter's
// own code talks to it through @clickhouse/client. What this does and does not prove:
// docs/scaling.md, "What is tested on which version".
let engine: ClickHouseTarget;
let n = 0;
beforeAll(async () => {
  engine = await startChdb();
  console.info(`ClickHouse contract suite on ${engine.label}`);
});
afterAll(() => engine?.stop());

storageContract('clickhouse (chDB, current engine)', async () => {
  const storage = await openClickHouseStorage(engine.options(`contract_${process.pid}_${n++}`));
  await storage.migrate();
  return storage;
});

rollupContract(
  'clickhouse (chDB, current engine)',
  async (which) => {
    const storage = await openClickHouseStorage(
      engine.options(`rollup_${which}_${process.pid}_${n++}`),
    );
    await storage.migrate();
    return storage;
  },
  chRollupSweep,
  chRolledUpTenants,
);
