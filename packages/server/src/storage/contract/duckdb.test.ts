import { openDuckDbStorage } from '../duckdb/index.js';
import { storageContract } from './contract.test-helper.js';

storageContract('duckdb', async () => {
  const storage = await openDuckDbStorage({ dataDir: ':memory:' });
  await storage.migrate();
  return storage;
});
