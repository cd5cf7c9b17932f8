import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnScript } from '../../../../../test/helpers/process.js';
import { openHeld, payloadOf, request } from './__fixtures__/held-requests.js';
import { ROW_GROUP_ROWS } from './journaled-writer.js';

const CRASH = 'packages/server/src/storage/journal/__fixtures__/held-crash.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tenantry-held-'));
  dirs.push(dir);
  return dir;
}

async function held(j: Awaited<ReturnType<typeof openHeld>>, rows: number): Promise<void> {
  await expect.poll(() => j.storage.heldTransaction.heldRows).toBe(rows);
}

describe('journal with a held DuckDB transaction', () => {
  it('replays after a kill -9 exactly the requests of the held transaction, a row group of them', async () => {
    const dataDir = tempDir();
    // 10 small requests committed, then 26 of 5,000 spans held: past a row group, the size whose
    // commit would write row groups straight to the database file.
    const child = spawnScript(CRASH, [dataDir, '10', '26', '5000']);
    const [line] = await child.waitFor(/held \d+ rows, committed \d+ spans/, 120_000);
    expect(line).toBe(`held ${26 * 5002} rows, committed 50 spans`);
    expect(26 * 5000).toBeGreaterThan(ROW_GROUP_ROWS);
    child.child.kill('SIGKILL');
    await child.exited;

    const second = await openHeld(dataDir);
    expect(second.replay.replayed).toBe(26);
    expect(await second.count('spans')).toBe(50 + 26 * 5000);
    expect(await second.count('logs')).toBe(20 + 26 * 2);
    await second.writer.drain();
    await second.storage.close();

    const third = await openHeld(dataDir);
    expect(third.replay.replayed).toBe(0);
    expect(await third.count('spans')).toBe(50 + 26 * 5000);
    expect(await third.count('logs')).toBe(20 + 26 * 2);
    await third.writer.drain();
    await third.storage.close();
  }, 180_000);

  it('keeps held rows from readers until a read asks, then commits them once for it', async () => {
    const dataDir = tempDir();
    const j = await openHeld(dataDir);
    for (let i = 0; i < 20; i++) await j.writer.write(request(i, 5), payloadOf(i, 5));
    await held(j, 20 * 7);
    // Appended, not committed: not visible, and the journal keeps every record.
    expect(await j.count('spans')).toBe(0);
    expect(readdirSync(join(dataDir, 'journal'))).toHaveLength(1);

    await j.writer.visible();
    expect(await j.count('spans')).toBe(100);
    expect(await j.count('logs')).toBe(40);
    expect(await j.appliedSeq()).toBe(20);
    expect(j.storage.heldTransaction.heldRows).toBe(0);
    await j.writer.drain();
    await j.storage.close();
  });

  it('commits on its own once it holds holdRows rows, and after holdMs', async () => {
    const j = await openHeld(tempDir(), { holdRows: 21, holdMs: 300 });
    for (let i = 0; i < 3; i++) await j.writer.write(request(i, 5), payloadOf(i, 5));
    await expect.poll(() => j.count('spans')).toBe(15);
    expect(await j.appliedSeq()).toBe(3);
    await j.writer.write(request(3, 5), payloadOf(3, 5));
    await held(j, 7);
    await expect.poll(() => j.count('spans'), { timeout: 5_000 }).toBe(20);
    expect(await j.appliedSeq()).toBe(4);
    await j.writer.drain();
    await j.storage.close();
  });

  it('commits the held rows before another writer takes the connection, and goes on after it', async () => {
    const dataDir = tempDir();
    const j = await openHeld(dataDir);
    for (let i = 0; i < 4; i++) await j.writer.write(request(i, 5), payloadOf(i, 5));
    await held(j, 28);
    await j.storage.insertKey({
      id: 'k1',
      hash: 'ab'.repeat(32),
      prefix: 'tnt_ab',
      kind: 'ingest',
      tenantId: null,
      name: 'during a hold',
      createdAt: new Date(0).toISOString(),
      revokedAt: null,
    });
    // The key is stored outside the held transaction, which was committed first.
    expect((await j.storage.listKeys()).map((k) => k.id)).toEqual(['k1']);
    expect(await j.count('spans')).toBe(20);
    expect(await j.appliedSeq()).toBe(4);
    // Acknowledged and committed by someone else: a reader has nothing left to wait for.
    await j.writer.visible();
    await expect.poll(() => readdirSync(join(dataDir, 'journal'))).toEqual([]);
    await j.writer.write(request(4, 5), payloadOf(4, 5));
    await held(j, 7);
    await j.writer.visible();
    expect(await j.count('spans')).toBe(25);
    await j.writer.drain();
    await j.storage.close();
  });

  it('retries every request of a held transaction whose commit failed, none lost, none twice', async () => {
    const j = await openHeld(tempDir(), { retryMs: 300 });
    for (let i = 0; i < 6; i++) await j.writer.write(request(i, 5), payloadOf(i, 5));
    await held(j, 42);
    // Committed on another connection after the held transaction began: its own journal row now
    // collides with this one, and DuckDB refuses the held transaction at its commit.
    await j.storage.db.query('INSERT INTO ingest_journal VALUES (1, 0)');
    await expect(j.writer.visible(true)).rejects.toMatchObject({ code: 'TENANTRY_E_SATURATED' });
    expect(j.errors).toHaveLength(1);
    expect(j.errors[0]!.message).toMatch(/primary key|duplicate key/i);
    expect(j.writer.failing).toMatch(/^storage: /);
    expect(await j.count('spans')).toBe(0);
    // The retry appends all six requests again, in order, into a new transaction.
    await j.writer.visible(true);
    expect(j.writer.failing).toBeNull();
    expect(await j.count('spans')).toBe(30);
    expect(await j.count('logs')).toBe(12);
    expect(await j.appliedSeq()).toBe(6);
    await j.writer.drain();
    await j.storage.close();
  });

  it('retries the held rows when a commit forced by another writer fails, and stores that writer', async () => {
    const j = await openHeld(tempDir(), { retryMs: 100, holdMs: 200 });
    for (let i = 0; i < 3; i++) await j.writer.write(request(i, 5), payloadOf(i, 5));
    await held(j, 21);
    await j.storage.db.query('INSERT INTO ingest_journal VALUES (1, 0)');
    await j.storage.insertKey({
      id: 'k2',
      hash: 'cd'.repeat(32),
      prefix: 'tnt_cd',
      kind: 'read',
      tenantId: 'acme',
      name: 'forced a failed commit',
      createdAt: new Date(0).toISOString(),
      revokedAt: null,
    });
    expect((await j.storage.listKeys()).map((k) => k.id)).toEqual(['k2']);
    expect(j.errors).toHaveLength(1);
    // Nobody reads: the writer tries again on its own.
    await expect.poll(() => j.count('spans'), { timeout: 5_000 }).toBe(15);
    expect(await j.count('logs')).toBe(6);
    expect(await j.appliedSeq()).toBe(3);
    await j.writer.drain();
    await j.storage.close();
  });
});
