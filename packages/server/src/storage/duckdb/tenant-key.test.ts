import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DuckDb } from './database.js';
import { openDuckDbStorage } from './index.js';
import { tenantKey } from './rows.js';
import { MIGRATIONS } from './schema.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const TENANTS = ['tenant-0042', 'tenant-0043', 'acme', 'ü-日本-🙂', ''];

describe('DuckDB tenant key', () => {
  it('gives rows stored before the column existed the key new rows get', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tenantry-tenant-key-'));
    dirs.push(dataDir);
    // A database as version 2 left it, holding spans and logs of several tenants.
    const old = await DuckDb.open(join(dataDir, 'tenantry.duckdb'));
    await old.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY)');
    for (const m of MIGRATIONS.filter((m) => m.version <= 2)) {
      for (const statement of m.statements) await old.exec(statement);
      await old.exec('INSERT INTO schema_migrations VALUES (?)', [m.version]);
    }
    for (const [i, tenant] of TENANTS.entries()) {
      await old.exec(
        `INSERT INTO spans VALUES (?, 't', ?, '', 'n', 1, 1, 2, 1, 0, '', 's', 'x', NULL, NULL,
           NULL, NULL, NULL, NULL, NULL, NULL, NULL, false, NULL, NULL, '{}', '{}', '[]', '[]',
           false, false, 0)`,
        [tenant, `s${i}`],
      );
      await old.exec(
        `INSERT INTO logs VALUES (?, 1, 1, '', '', 9, 'INFO', 'b', 's', NULL, '{}', '{}', 0)`,
        [tenant],
      );
    }
    old.close();

    const storage = await openDuckDbStorage({ dataDir });
    await storage.migrate();
    for (const table of ['spans', 'logs']) {
      const rows = await storage.db.query(`SELECT tenant_id, tenant_key FROM ${table}`);
      expect(rows).toHaveLength(TENANTS.length);
      for (const r of rows) expect(r.tenant_key).toBe(tenantKey(String(r.tenant_id)));
    }
    expect(new Set(TENANTS.map(tenantKey)).size).toBe(TENANTS.length);
    await storage.close();
  });
});
