import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UNASSIGNED_TENANT } from '../../ingest/tenant.js';
import { span, spanId, traceId } from '../contract/fixtures.js';
import type { HeldEnd, WriteBatch } from '../types.js';
import { openDuckDbStorage } from './index.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function open() {
  const dir = mkdtempSync(join(tmpdir(), 'tenantry-duck-held-'));
  dirs.push(dir);
  const storage = await openDuckDbStorage({ dataDir: dir });
  await storage.migrate();
  const ends: HeldEnd[] = [];
  storage.heldTransaction.onEnd((end) => ends.push(end));
  const count = async (sql: string) => Number((await storage.db.query(sql))[0]!.n);
  return { storage, ends, count };
}

const trace = traceId(7);
/** A child span that states no tenant: parked until its trace's root claims one. */
const parked: WriteBatch = {
  spans: [],
  logs: [],
  metrics: [],
  pendingSpans: [span({ tenantId: UNASSIGNED_TENANT, traceId: trace, spanId: spanId(2) })],
  journalSeq: 1,
};
/** Its root, a later batch: claims the trace for acme. */
const root: WriteBatch = {
  spans: [span({ tenantId: 'acme', traceId: trace, spanId: spanId(1) })],
  logs: [],
  metrics: [],
  traceClaims: [{ traceId: trace, tenantId: 'acme', fromRoot: true }],
  journalSeq: 2,
};

describe('DuckDB held transaction', () => {
  it('adopts a span parked earlier in the same held transaction when its root comes', async () => {
    const { storage, ends, count } = await open();
    expect(await storage.heldTransaction.append(() => parked)).toMatchObject({ spansParked: 1 });
    await storage.heldTransaction.append(() => root);
    expect(storage.heldTransaction.heldRows).toBe(2);
    await storage.heldTransaction.commit();
    expect(ends).toEqual([{ committed: true, seq: 2 }]);
    expect(await count(`SELECT count(*) AS n FROM spans WHERE tenant_id = 'acme'`)).toBe(2);
    expect(await count('SELECT count(*) AS n FROM parked_spans')).toBe(0);
    expect(await storage.appliedJournalSeq()).toBe(2);
    await storage.close();
  });

  it('reads the parked set again after a rollback, so a root appended again still adopts', async () => {
    const { storage, ends, count } = await open();
    await storage.heldTransaction.append(() => parked);
    await storage.heldTransaction.commit();
    // The root adopts the parked child inside the held transaction...
    await storage.heldTransaction.append(() => root);
    // ...which a commit on a read connection meanwhile makes collide at its own commit.
    await storage.db.query('UPDATE ingest_journal SET applied_seq = 0 WHERE id = 1');
    await expect(storage.heldTransaction.commit()).rejects.toThrow(/conflict/i);
    expect(ends).toMatchObject([{ committed: true, seq: 1 }, { committed: false }]);
    expect(storage.heldTransaction.heldRows).toBe(0);
    expect(await count('SELECT count(*) AS n FROM parked_spans')).toBe(1);
    // The journal appends the root again: the child is still parked, and is adopted now.
    await storage.heldTransaction.append(() => root);
    await storage.heldTransaction.commit();
    expect(await count(`SELECT count(*) AS n FROM spans WHERE tenant_id = 'acme'`)).toBe(2);
    expect(await count('SELECT count(*) AS n FROM parked_spans')).toBe(0);
    expect(await storage.appliedJournalSeq()).toBe(2);
    await storage.close();
  });

  it('runs another writer outside the held transaction, after committing it', async () => {
    const { storage, ends, count } = await open();
    await storage.heldTransaction.append(() => root);
    await storage.insertScores([]);
    await storage.deleteTenant('nobody');
    expect(ends).toEqual([{ committed: true, seq: 2 }]);
    expect(await count('SELECT count(*) AS n FROM spans')).toBe(1);
    // Nothing left to hold: the next writer finds no transaction to end.
    await storage.deleteTenant('nobody');
    expect(ends).toHaveLength(1);
    await storage.close();
  });
});
