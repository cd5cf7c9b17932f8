import { describe, expect, it } from 'vitest';
import { WorkSlice } from '../ingest/work-slice.js';
import { span } from './contract/fixtures.js';
import { appendSpanColumns } from './duckdb/column-append.js';
import { spanFingerprint } from './duckdb/fingerprint-set.js';
import { appendByRows, storageWithCopies, tableRows } from './duckdb/row-oracle.test-helper.js';
import { tenantKey } from './duckdb/rows.js';
import {
  adoptSpanColumns,
  encodePendingSpanColumns,
  validatePendingSpanColumns,
} from './pending-span-columns.js';
import { validateSpanColumns } from './span-columns-transfer.js';
import { adopt } from './trace-claims.js';
import type { SpanRow } from './types.js';

/** A pending span (tenant ''), four a trace, with short, long and multi-byte strings. */
function pendingSpan(i: number): SpanRow {
  return span({
    tenantId: '',
    traceId: (i >> 2).toString(16).padStart(32, 'c'),
    spanId: i.toString(16).padStart(16, '0'),
    parentSpanId: (i & ~3).toString(16).padStart(16, '0'),
    name: i % 2 ? 'chat' : `execute_tool search_web ${'é'.repeat(i % 9)}`,
    startTimeUnixNano: 1_700_000_000_000_000_000n + BigInt(i) * 1_000n,
    statusMessage: i % 5 === 0 ? 'boom: ✓ 12345678' : '',
    agentId: i % 2 ? null : `agent-${i}`,
    model: i % 2 ? 'gpt-4o-mini' : null,
    inputTokens: i % 2 ? i * 3 : null,
    isRun: false,
    attributes: { 'gen_ai.prompt': `p${'x'.repeat(i % 40)}`, n: i },
    resourceAttributes: { 'service.name': 'svc' },
  });
}

/** Each trace's tenant: none yet, short, long, long in multi-byte text, short in multi-byte. */
const TENANTS = [undefined, 'acme', 'a-much-longer-tenant-id-7', 'Ω-tenant-✓✓', 'tënant'];
const tenantOfTrace = (traceIndex: number) => TENANTS[traceIndex % TENANTS.length];

describe('pending span columns', () => {
  it('adopt and park exactly what the rows adopted and parked would store', async () => {
    const storage = await storageWithCopies(
      ['by_rows', 'spans'],
      ['by_rows_parked', 'parked_spans'],
    );
    const parkedNs = 42n;
    const spans = Array.from({ length: 5200 }, (_, i) => pendingSpan(i));
    const tenantOf = (s: SpanRow) => tenantOfTrace(Number.parseInt(s.traceId.slice(-8), 16));

    // The rows' way: adopted rows and parked rows through the row appender, a value a call.
    const adoptedRows: SpanRow[] = [];
    const parkedRows: SpanRow[] = [];
    for (const s of spans) {
      const tenant = tenantOf(s);
      if (tenant === undefined) parkedRows.push(s);
      else adoptedRows.push(adopt(s, tenant));
    }
    await appendByRows(storage, 'by_rows', adoptedRows);
    await appendByRows(storage, 'by_rows_parked', parkedRows, parkedNs);

    // Two requests' pending columns: more than a data chunk and a piece of adopted rows each.
    const requests = [spans.slice(0, 2600), spans.slice(2600)].map(encodePendingSpanColumns);
    const appender = await storage.db.writer.createAppender('spans');
    const parked = await storage.db.writer.createAppender('parked_spans');
    const fingerprints: number[] = [];
    for (const p of requests) {
      expect(validatePendingSpanColumns(p)).toBeNull();
      const before = structuredClone(p);
      const taken = adoptSpanColumns(
        p,
        p.traceIds.map((t) => tenantOfTrace(Number.parseInt(t.slice(-8), 16))),
      );
      // Left as it was: a failed transaction is retried with the same pending columns.
      expect(p).toEqual(before);
      // Long tenant ids come in pieces with a heap of their own.
      expect(taken.adopted.length).toBeGreaterThan(1);
      for (const cols of taken.adopted) {
        expect(validateSpanColumns(cols)).toBeNull();
        for (let r = 0; r < cols.rows * 2; r++) fingerprints.push(cols.fingerprints[r]!);
      }
      await appendSpanColumns(
        appender,
        taken.adopted.map((cols) => ({ cols })),
        new WorkSlice(),
      );
      await appendSpanColumns(
        parked,
        [{ cols: p.cols, keep: taken.waiting }],
        new WorkSlice(),
        parkedNs,
      );
    }
    appender.closeSync();
    parked.closeSync();

    expect(await tableRows(storage, 'spans')).toEqual(await tableRows(storage, 'by_rows'));
    const parkedTable = await tableRows(storage, 'parked_spans');
    expect(parkedTable).toEqual(await tableRows(storage, 'by_rows_parked'));
    expect(parkedTable.length).toBe(spans.length - adoptedRows.length);
    expect(parkedTable.length).toBeGreaterThan(1000);
    // The tenant is mixed into each fingerprint last, so the event loop finishes the worker's.
    expect(fingerprints).toEqual(
      adoptedRows.flatMap((s) => spanFingerprint(s.tenantId, s.traceId, s.spanId)),
    );
    const keys = await storage.db.query(
      'SELECT DISTINCT tenant_id, tenant_key FROM spans ORDER BY tenant_id',
    );
    for (const k of keys) expect(k.tenant_key).toBe(tenantKey(String(k.tenant_id)));
    await storage.close();
  });

  it('refuses pending columns that already name a tenant or a trace they do not hold', () => {
    const p = encodePendingSpanColumns([pendingSpan(0), pendingSpan(1), pendingSpan(4)]);
    expect(p.traceIds.length).toBe(2);
    expect([...p.traceOf]).toEqual([0, 0, 1]);
    expect(validatePendingSpanColumns({ ...p, traceOf: Int32Array.of(0, 0, 2) })).toMatch(/trace/);
    const named = encodePendingSpanColumns([{ ...pendingSpan(0), tenantId: 'acme' }]);
    expect(validatePendingSpanColumns({ ...named, traceIds: p.traceIds })).toMatch(/tenant/);
    const long = encodePendingSpanColumns([
      { ...pendingSpan(0), tenantId: 'a-much-longer-tenant-id' },
    ]);
    expect(validatePendingSpanColumns(long)).toMatch(/tenant/);
  });
});
