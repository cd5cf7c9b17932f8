import { openDuckDbStorage } from '../duckdb/index.js';
import { storageContract } from './contract.test-helper.js';
import { rollupContract } from './rollup.test-helper.js';

storageContract('duckdb', async () => {
  const storage = await openDuckDbStorage({ dataDir: ':memory:' });
  await storage.migrate();
  return storage;
});

rollupContract(
  'duckdb',
  async () => {
    const storage = await openDuckDbStorage({ dataDir: ':memory:' });
    await storage.migrate();
    return storage;
  },
  async (s, closedBeforeNs) => {
    // Windows of a day, as the compaction job sweeps them.
    await s.compactClosedWindows?.({
      windowNs: 86_400_000_000_000n,
      closedBeforeNs,
      maxRowsPerTransaction: 200_000,
      lateRowsFraction: 0.05,
    });
  },
  async (s) => {
    const db = (s as Awaited<ReturnType<typeof openDuckDbStorage>>).db;
    const rows = await db.query('SELECT DISTINCT tenant_id FROM tenant_hours ORDER BY 1');
    return rows.map((r) => String(r.tenant_id));
  },
);
