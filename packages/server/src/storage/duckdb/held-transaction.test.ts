import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UNASSIGNED_TENANT } from '../../ingest/tenant.js';
import { span, spanId, traceId } from '../contract/fixtures.js';
import { encodePendingSpanColumns } from '../pending-span-columns.js';
import type { HeldEnd, SpanRow, WriteBatch } from '../types.js';
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

  it('adopts pending span columns held since an earlier batch, and parks only what still waits', async () => {
    const { storage, count } = await open();
    await storage.heldTransaction.append(() => pendingBatch([children(1), children(2)], 1));
    // Held, not in the park: the transaction has not committed.
    await storage.heldTransaction.append(() => rootBatch(1, 2));
    await storage.heldTransaction.commit();
    const stored = await storage.db.query(
      `SELECT span_id, tenant_id, name, attributes FROM spans WHERE trace_id = '${traceId(1)}' ORDER BY span_id`,
    );
    expect(stored).toEqual(
      [rootSpan(1), ...children(1)].map((s) => ({
        span_id: s.spanId,
        tenant_id: 'acme',
        name: s.name,
        attributes: JSON.stringify(s.attributes),
      })),
    );
    // Trace 2's root has not come: its children are in the park, once each, as they were held.
    const parked = await storage.db.query(
      'SELECT trace_id, span_id, tenant_id FROM parked_spans ORDER BY span_id',
    );
    expect(parked).toEqual(
      children(2).map((s) => ({ trace_id: traceId(2), span_id: s.spanId, tenant_id: '' })),
    );
    // Its root in a later transaction takes them from the park.
    await storage.heldTransaction.append(() => rootBatch(2, 3));
    await storage.heldTransaction.commit();
    expect(await count(`SELECT count(*) AS n FROM spans WHERE tenant_id = 'acme'`)).toBe(6);
    expect(await count('SELECT count(*) AS n FROM parked_spans')).toBe(0);
    await storage.close();
  });

  it('stores a pending span sent twice once, whether its copies were held or parked', async () => {
    const { storage, count } = await open();
    // A copy parked in an earlier transaction, two held in this one (a client's resends).
    await storage.heldTransaction.append(() => pendingBatch([children(1)], 1));
    await storage.heldTransaction.commit();
    await storage.heldTransaction.append(() => pendingBatch([children(1)], 2));
    await storage.heldTransaction.append(() => pendingBatch([children(1)], 3));
    await storage.heldTransaction.append(() => rootBatch(1, 4));
    await storage.heldTransaction.commit();
    expect(await count(`SELECT count(*) AS n FROM spans WHERE tenant_id = 'acme'`)).toBe(3);
    expect(await count('SELECT count(DISTINCT span_id) AS n FROM spans')).toBe(3);
    expect(await count('SELECT count(*) AS n FROM parked_spans')).toBe(0);
    await storage.close();
  });

  it('forgets what it held when the transaction rolls back', async () => {
    const { storage, ends, count } = await open();
    await storage.heldTransaction.append(() => rootBatch(9, 1));
    await storage.heldTransaction.commit();
    await storage.heldTransaction.append(() => pendingBatch([children(1)], 2));
    // A commit on a read connection meanwhile makes the held transaction collide at its commit.
    await storage.db.query('UPDATE ingest_journal SET applied_seq = 0 WHERE id = 1');
    await expect(storage.heldTransaction.commit()).rejects.toThrow(/conflict/i);
    expect(ends).toMatchObject([{ committed: true }, { committed: false }]);
    expect(await count('SELECT count(*) AS n FROM parked_spans')).toBe(0);
    // A root alone finds nothing held: what was held went with the transaction.
    await storage.heldTransaction.append(() => rootBatch(1, 3));
    await storage.heldTransaction.commit();
    expect(await count(`SELECT count(*) AS n FROM spans WHERE trace_id = '${traceId(1)}'`)).toBe(1);
    // The journal appends the children again: their trace's claim is stored now, so they are
    // adopted, each once.
    await storage.heldTransaction.append(() => pendingBatch([children(1)], 2));
    await storage.heldTransaction.commit();
    expect(await count(`SELECT count(*) AS n FROM spans WHERE trace_id = '${traceId(1)}'`)).toBe(3);
    expect(await count('SELECT count(*) AS n FROM parked_spans')).toBe(0);
    await storage.close();
  });
});

/** Two children of trace `t` that state no tenant, as a worker encodes them (tenant ''). */
function children(t: number): SpanRow[] {
  return [2, 3].map((i) =>
    span({
      tenantId: '',
      traceId: traceId(t),
      spanId: spanId(t * 10 + i),
      parentSpanId: spanId(t * 10 + 1),
      name: `child ${i}`,
      attributes: { 'gen_ai.operation.name': 'chat', n: i },
    }),
  );
}

function rootSpan(t: number): SpanRow {
  return span({ tenantId: 'acme', traceId: traceId(t), spanId: spanId(t * 10 + 1) });
}

function pendingBatch(traces: SpanRow[][], seq: number): WriteBatch {
  return {
    spans: [],
    logs: [],
    metrics: [],
    pendingSpanColumns: traces.map((rows) => encodePendingSpanColumns(rows)),
    journalSeq: seq,
  };
}

function rootBatch(t: number, seq: number): WriteBatch {
  return {
    spans: [rootSpan(t)],
    logs: [],
    metrics: [],
    traceClaims: [{ traceId: traceId(t), tenantId: 'acme', fromRoot: true }],
    journalSeq: seq,
  };
}
