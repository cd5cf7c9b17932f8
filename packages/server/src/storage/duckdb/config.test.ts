import { totalmem } from 'node:os';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/config.js';
import { openStorage } from '../open.js';

const MiB = 1024 * 1024;

async function memoryLimitOf(config: ReturnType<typeof parseConfig>): Promise<string> {
  const storage = await openStorage(config);
  try {
    const db = (storage as unknown as { db: import('./database.js').DuckDb }).db;
    const [row] = await db.queryOnWriter("SELECT current_setting('memory_limit') AS v");
    return String(row?.v);
  } finally {
    await storage.close();
  }
}

describe('storage.duckdb.memoryLimitMiB', () => {
  it('bounds DuckDB at 512 MiB by default instead of 80% of the machine', async () => {
    const config = parseConfig({ server: { dataDir: ':memory:' } });
    const expected = Math.max(64, Math.min(512, Math.floor(totalmem() / MiB / 2)));
    expect(config.storage.duckdb.memoryLimitMiB).toBe(expected);
    // DuckDB prints its limit rounded, in its own units (512.0 MiB).
    expect(await memoryLimitOf(config)).toBe(`${expected}.0 MiB`);
  });

  it('sets the configured limit on the database it opens', async () => {
    const config = parseConfig({
      server: { dataDir: ':memory:' },
      storage: { duckdb: { memoryLimitMiB: 200 } },
    });
    expect(await memoryLimitOf(config)).toBe('200.0 MiB');
  });

  it('refuses at start a limit under 64 MiB or over the machine, naming the field', () => {
    expect(() => parseConfig({ storage: { duckdb: { memoryLimitMiB: 32 } } })).toThrow(
      /storage\.duckdb\.memoryLimitMiB: at least 64 MiB/,
    );
    const over = Math.floor(totalmem() / MiB) + 1;
    expect(() => parseConfig({ storage: { duckdb: { memoryLimitMiB: over } } })).toThrow(
      /storage\.duckdb\.memoryLimitMiB: \d+ MiB is more than this machine's memory/,
    );
    expect(() => parseConfig({ storage: { duckdb: { memoryLimit: '1GB' } } })).toThrow(
      /storage\.duckdb/,
    );
  });
});
