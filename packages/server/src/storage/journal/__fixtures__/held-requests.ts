import { log, span, spanId, T0_NS, traceId } from '../../contract/fixtures.js';
import { openDuckDbStorage } from '../../duckdb/index.js';
import type { WriteBatch } from '../../types.js';
import {
  DEFAULT_JOURNAL_OPTIONS,
  JournaledWriter,
  type JournalOptions,
} from '../journaled-writer.js';

/**
 * Request `i` of `spans` spans (ids of their own, a trace per request) and 2 logs (logs have no
 * key to deduplicate on, so a request stored twice shows in their count).
 */
export function request(i: number, spans: number): WriteBatch {
  return {
    spans: Array.from({ length: spans }, (_, k) =>
      span({ tenantId: 'acme', traceId: traceId(i + 1), spanId: spanId(i * 1_000_000 + k + 1) }),
    ),
    logs: [0, 1].map((k) =>
      log({ tenantId: 'acme', body: `request ${i} line ${k}`, timeUnixNano: T0_NS + BigInt(i) }),
    ),
    metrics: [],
  };
}

/** The journal keeps `i:spans`; replay rebuilds the same rows from it. */
export const payloadOf = (i: number, spans: number) => () => Buffer.from(`${i}:${spans}`);
const rebuild = async (payload: Buffer) => {
  const [i, spans] = payload.toString().split(':').map(Number);
  return request(i!, spans!);
};

/** DuckDB under `dataDir` with the journal in front, its held transaction in use. */
export async function openHeld(dataDir: string, options: Partial<JournalOptions> = {}) {
  const storage = await openDuckDbStorage({ dataDir });
  await storage.migrate();
  const errors: Error[] = [];
  const { writer, replay } = await JournaledWriter.open(
    {
      write: (batch) => storage.write(batch),
      appliedJournalSeq: () => storage.appliedJournalSeq(),
      heldTransaction: storage.heldTransaction,
    },
    {
      ...DEFAULT_JOURNAL_OPTIONS,
      dir: `${dataDir}/journal`,
      // Every request is appended into the held transaction as it comes; nothing commits by itself.
      flushRows: 1,
      flushIntervalMs: 60_000,
      holdRows: 1_000_000,
      holdMs: 600_000,
      retryMs: 50,
      ...options,
    },
    rebuild,
    (err) => errors.push(err),
  );
  const count = async (table: 'spans' | 'logs') =>
    Number((await storage.db.query(`SELECT count(*) AS n FROM ${table}`))[0]!.n);
  const appliedSeq = async () =>
    Number((await storage.db.query('SELECT max(applied_seq) AS s FROM ingest_journal'))[0]?.s ?? 0);
  return { storage, writer, replay, errors, count, appliedSeq };
}
