import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { describeOnClickHouse } from '../../../../../test/helpers/chdb.js';
import { log, span, spanId, T0_NS, traceId } from '../contract/fixtures.js';
import { DEFAULT_JOURNAL_OPTIONS, JournaledWriter } from '../journal/journaled-writer.js';
import type { WriteBatch, WriteResult } from '../types.js';
import { openClickHouseStorage } from './index.js';
import { APPLIED_FILE, AppliedMark, journaledClickHouse } from './journal-mark.js';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'tenantry-ch-journal-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('the ClickHouse journal mark', () => {
  it('reads 0 before any record, then the last seq recorded, leaving no temporary file', async () => {
    const dir = tempDir();
    const mark = new AppliedMark(dir);
    expect(mark.read()).toBe(0);
    await mark.record(7);
    await mark.record(1234567);
    expect(mark.read()).toBe(1234567);
    expect(readdirSync(dir)).toEqual([APPLIED_FILE]);
  });

  it('refuses a damaged mark instead of guessing where the replay starts', () => {
    const dir = tempDir();
    writeFileSync(join(dir, APPLIED_FILE), '12x\n');
    expect(() => new AppliedMark(dir).read()).toThrow(/is damaged/);
  });

  it('refuses logs and metric points, which a replay would store twice', async () => {
    const store = journaledClickHouse({ write: async () => ({}) as WriteResult }, tempDir());
    const batch = { spans: [], logs: [log({ tenantId: 'a', body: 'x' })], metrics: [] };
    await expect(store.write({ ...batch, journalSeq: 1 })).rejects.toThrow(/traces only/);
  });
});

/**
 * Request `i` of a trace each: a stated tenant on 3 spans (a claim), and 2 children that state none
 * (pending). Odd requests carry their root's claim; even ones do not, so their children park.
 */
function request(i: number): WriteBatch {
  const trace = traceId(9000 + i);
  const stated = [1, 2, 3].map((k) =>
    span({
      tenantId: 'acme',
      traceId: trace,
      spanId: spanId(i * 10 + k),
      startTimeUnixNano: T0_NS,
    }),
  );
  const pending = [4, 5].map((k) =>
    span({ tenantId: '', traceId: trace, spanId: spanId(i * 10 + k), startTimeUnixNano: T0_NS }),
  );
  return {
    spans: i % 2 === 1 ? stated : [],
    pendingSpans: pending,
    traceClaims: i % 2 === 1 ? [{ traceId: trace, tenantId: 'acme', fromRoot: true }] : [],
    logs: [],
    metrics: [],
  };
}
const REQUESTS = 6;

describeOnClickHouse('the ClickHouse journal', (target) => {
  let storage: Awaited<ReturnType<typeof openClickHouseStorage>>;
  beforeAll(async () => {
    storage = await openClickHouseStorage(target().options('journal_mark'));
    await storage.migrate();
  });
  afterAll(async () => {
    await storage?.close();
  });

  const count = async (sql: string) =>
    Number((await storage.ch.query<{ n: string }>(sql))[0]?.n ?? 0);
  const rawSpans = () => count(`SELECT count() AS n FROM journal_mark.spans`);
  const parked = async () => (await storage.parkedSpans()).count;
  const claims = () =>
    count(
      `SELECT count() AS n FROM (SELECT DISTINCT trace_id, tenant_id FROM journal_mark.trace_claims)`,
    );

  it('replays a batch inserted before a crash that came before its mark: nothing is doubled', async () => {
    const dir = join(tempDir(), 'clickhouse-journal');
    const options = { ...DEFAULT_JOURNAL_OPTIONS, dir, flushIntervalMs: 60_000, retryMs: 10 };
    const rebuild = async (payload: Buffer) => request(Number(payload.toString()));
    // The first server: every insert succeeds, then it dies before recording the mark.
    const crashing = journaledClickHouse(
      {
        write: async (batch) => {
          await storage.write(batch);
          throw new Error('killed after the inserts');
        },
      },
      dir,
    );
    const first = await JournaledWriter.open(crashing, options, rebuild, () => {});
    for (let i = 0; i < REQUESTS; i++)
      await first.writer.write(request(i), () => Buffer.from(String(i)));
    await first.writer.drain();
    expect(existsSync(join(dir, APPLIED_FILE))).toBe(false);
    const stored = { spans: await rawSpans(), parked: await parked(), claims: await claims() };
    // 3 claimed traces of 5 spans stored; 3 traces' 2 children parked.
    expect(stored).toEqual({ spans: 15, parked: 6, claims: 3 });

    // The restart replays all six requests into a ClickHouse that has them.
    const second = await JournaledWriter.open(
      journaledClickHouse(storage, dir),
      options,
      rebuild,
      () => {},
    );
    expect(second.replay.replayed).toBe(REQUESTS);
    expect(new AppliedMark(dir).read()).toBe(REQUESTS);
    expect({ spans: await rawSpans(), parked: await parked(), claims: await claims() }).toEqual(
      stored,
    );
    await second.writer.drain();

    // A third start has nothing to replay.
    const third = await JournaledWriter.open(
      journaledClickHouse(storage, dir),
      options,
      rebuild,
      () => {},
    );
    expect(third.replay.replayed).toBe(0);
    await third.writer.drain();
    expect(await rawSpans()).toBe(15);
  });
});
