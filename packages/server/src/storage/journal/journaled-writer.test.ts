import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { log, span, spanId, T0_NS, traceId } from '../contract/fixtures.js';
import { openDuckDbStorage } from '../duckdb/index.js';
import type { WriteBatch } from '../types.js';
import {
  DEFAULT_JOURNAL_OPTIONS,
  JournaledWriter,
  type JournalOptions,
} from './journaled-writer.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Request `i`: 5 spans with ids of their own and 2 logs (logs have no key to deduplicate on). */
function request(i: number): WriteBatch {
  return {
    spans: Array.from({ length: 5 }, (_, k) =>
      span({ tenantId: 'acme', traceId: traceId(i + 1), spanId: spanId(i * 5 + k + 1) }),
    ),
    logs: [0, 1].map((k) =>
      log({ tenantId: 'acme', body: `request ${i} line ${k}`, timeUnixNano: T0_NS + BigInt(i) }),
    ),
    metrics: [],
  };
}
const payloadOf = (i: number) => () => Buffer.from(String(i));
const rebuild = async (payload: Buffer) => request(Number(payload.toString()));

async function open(dataDir: string, options: Partial<JournalOptions> = {}) {
  const storage = await openDuckDbStorage({ dataDir });
  await storage.migrate();
  let commits = 0;
  let failNext = 0;
  const store = {
    write: (batch: WriteBatch) => {
      commits++;
      if (failNext > 0) {
        failNext--;
        return Promise.reject(new Error('disk full'));
      }
      return storage.write(batch);
    },
    appliedJournalSeq: () => storage.appliedJournalSeq(),
  };
  const errors: Error[] = [];
  const { writer, replay } = await JournaledWriter.open(
    store,
    {
      ...DEFAULT_JOURNAL_OPTIONS,
      dir: join(dataDir, 'journal'),
      flushIntervalMs: 60_000,
      retryMs: 10,
      ...options,
    },
    rebuild,
    (err) => errors.push(err),
  );
  const count = async (table: 'spans' | 'logs') =>
    Number((await storage.db.query(`SELECT count(*) AS n FROM ${table}`))[0]!.n);
  return {
    storage,
    writer,
    replay,
    errors,
    count,
    commits: () => commits,
    failNextCommits: (n: number) => {
      failNext = n;
    },
  };
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tenantry-journaled-'));
  dirs.push(dir);
  return dir;
}

describe('journaled writer', () => {
  it('acknowledges requests once journaled and commits them together in one transaction', async () => {
    const j = await open(tempDir());
    for (let i = 0; i < 20; i++) {
      const result = await j.writer.write(request(i), payloadOf(i));
      expect(result.spansWritten).toBe(5);
    }
    expect(await j.count('spans')).toBe(0);
    expect(j.commits()).toBe(0);

    await j.writer.visible();
    expect(await j.count('spans')).toBe(100);
    expect(await j.count('logs')).toBe(40);
    expect(j.commits()).toBe(1);
    await j.writer.drain();
    await j.storage.close();
  });

  it('commits on its own once flushRows rows are waiting', async () => {
    const j = await open(tempDir(), { flushRows: 21 });
    for (let i = 0; i < 3; i++) await j.writer.write(request(i), payloadOf(i));
    await expect.poll(() => j.count('spans')).toBe(15);
    expect(j.commits()).toBe(1);
    await j.writer.drain();
    await j.storage.close();
  });

  it('replays after a crash exactly the requests that were acknowledged and not committed', async () => {
    const dataDir = tempDir();
    const first = await open(dataDir);
    for (let i = 0; i < 10; i++) await first.writer.write(request(i), payloadOf(i));
    await first.writer.visible();
    for (let i = 10; i < 15; i++) await first.writer.write(request(i), payloadOf(i));
    // A crash: the writer never drains, so requests 10-14 exist only in the journal.
    await first.storage.close();

    const second = await open(dataDir);
    expect(second.replay.replayed).toBe(5);
    expect(await second.count('spans')).toBe(75);
    expect(await second.count('logs')).toBe(30);
    for (let i = 15; i < 17; i++) await second.writer.write(request(i), payloadOf(i));
    await second.writer.drain();
    await second.storage.close();

    const third = await open(dataDir);
    expect(third.replay.replayed).toBe(0);
    expect(await third.count('spans')).toBe(85);
    expect(await third.count('logs')).toBe(34);
    await third.writer.drain();
    await third.storage.close();
  });

  it('answers 503 once rows waiting for storage would pass maxQueuedItems', async () => {
    const j = await open(tempDir(), { maxQueuedItems: 20 });
    await j.writer.write(request(0), payloadOf(0));
    await j.writer.write(request(1), payloadOf(1));
    await expect(j.writer.write(request(2), payloadOf(2))).rejects.toMatchObject({
      code: 'TENANTRY_E_SATURATED',
    });
    await j.writer.visible();
    await j.writer.write(request(2), payloadOf(2));
    await j.writer.visible();
    expect(await j.count('spans')).toBe(15);
    await j.writer.drain();
    await j.storage.close();
  });

  it('keeps journaled rows through a failed storage commit and commits them on a later try', async () => {
    // Long enough that the retry cannot land between the failure and the reads below.
    const j = await open(tempDir(), { retryMs: 500 });
    for (let i = 0; i < 4; i++) await j.writer.write(request(i), payloadOf(i));
    j.failNextCommits(1);
    // An erasure must see every acknowledged row: it is refused while commits fail.
    await expect(j.writer.visible(true)).rejects.toMatchObject({ code: 'TENANTRY_E_SATURATED' });
    expect(j.errors.map((e) => e.message)).toEqual(['disk full']);
    expect(j.writer.failing).toBe('storage: disk full');
    // A read goes on with what is committed meanwhile.
    await j.writer.visible();
    expect(await j.count('spans')).toBe(0);
    await j.writer.visible(true);
    expect(j.writer.failing).toBeNull();
    expect(await j.count('spans')).toBe(20);
    expect(await j.count('logs')).toBe(8);
    await j.writer.drain();
    await j.storage.close();
  });

  it('deletes journal files, the one being written included, once every record in them is committed', async () => {
    const dataDir = tempDir();
    const j = await open(dataDir, { segmentBytes: 16 }); // one record per segment
    for (let i = 0; i < 6; i++) await j.writer.write(request(i), payloadOf(i));
    expect(readdirSync(join(dataDir, 'journal'))).toHaveLength(6);
    await j.writer.visible();
    // Deleted right after the commit, without holding up the readers it released.
    await expect.poll(() => readdirSync(join(dataDir, 'journal'))).toHaveLength(0);
    await j.writer.write(request(6), payloadOf(6));
    expect(readdirSync(join(dataDir, 'journal'))).toHaveLength(1);
    await j.writer.drain();
    await j.storage.close();
  });
});
