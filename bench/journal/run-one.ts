import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toSpanRow } from '../../packages/server/src/ingest/rows.js';
import { decodeTracesProto } from '../../packages/server/src/otlp/decode-proto.js';
import { openDuckDbStorage } from '../../packages/server/src/storage/duckdb/index.js';
import {
  DEFAULT_JOURNAL_OPTIONS,
  JournaledWriter,
} from '../../packages/server/src/storage/journal/journaled-writer.js';
import {
  encodeSpanColumns,
  type SpanColumns,
} from '../../packages/server/src/storage/span-columns.js';
import type { SpanRow } from '../../packages/server/src/storage/types.js';
import { requestBodies, SPANS_PER_REQUEST } from '../ingest/workload.js';

/**
 * One run of bench/journal, in a process of its own so its CPU time is its own: the ingest bench's
 * requests, already span columns, offered at RATE spans/s by 16 writers that each wait for their
 * acknowledgement, through the JournaledWriter into DuckDB with HOLD_ROWS (0: a commit per flush).
 * Prints `result {json}`.
 */
const [requests, rate, holdRows] = process.argv.slice(2).map(Number) as [number, number, number];
const { raw, gzipped } = await requestBodies(requests);
const columns: SpanColumns[] = [];
for (const body of raw) {
  const rows: SpanRow[] = [];
  for (const g of await decodeTracesProto(body)) {
    for (const s of g.scopes) {
      for (const span of s.items) {
        const tenant = String(span.attributes['tenant.id']);
        rows.push(toSpanRow(tenant, span, span.attributes, g.resource, s.scopeName));
      }
    }
  }
  columns.push(encodeSpanColumns(rows));
}
const spans = requests * SPANS_PER_REQUEST;
const dir = mkdtempSync(join(tmpdir(), 'tenantry-bench-journal-'));
const storage = await openDuckDbStorage({ dataDir: dir, memoryLimitMiB: 512 });
await storage.migrate();
let commits = 0;
const held = storage.heldTransaction;
const { writer } = await JournaledWriter.open(
  {
    write: (b) => {
      commits++;
      return storage.write(b);
    },
    appliedJournalSeq: () => storage.appliedJournalSeq(),
    heldTransaction: {
      append: (take) => held.append(take),
      commit: () => {
        commits++;
        return held.commit();
      },
      get heldRows() {
        return held.heldRows;
      },
      onEnd: (listener) => held.onEnd(listener),
    },
  },
  { ...DEFAULT_JOURNAL_OPTIONS, dir: join(dir, 'journal'), holdRows },
  () => Promise.reject(new Error('nothing to replay')),
  (err) => console.error(err),
);
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const acks: number[] = [];
let next = 0;
await Promise.all(
  Array.from({ length: 16 }, async () => {
    while (next < columns.length) {
      const i = next++;
      const due = t0 + (i * SPANS_PER_REQUEST * 1000) / rate - performance.now();
      if (due > 0) await new Promise((r) => setTimeout(r, due));
      const sent = performance.now();
      await writer.write(
        { spans: [], logs: [], metrics: [], spanColumns: [columns[i]!] },
        () => gzipped[i]!,
      );
      acks.push(performance.now() - sent);
    }
  }),
);
await writer.visible();
await writer.drain();
await storage.close();
const cpu = process.cpuUsage(cpu0);
acks.sort((a, b) => a - b);
console.log(
  `result ${JSON.stringify({
    cpuUsPerSpan: (cpu.user + cpu.system) / spans,
    commits,
    ackP99Ms: acks[Math.floor(acks.length * 0.99)]!,
  })}`,
);
rmSync(dir, { recursive: true, force: true });
