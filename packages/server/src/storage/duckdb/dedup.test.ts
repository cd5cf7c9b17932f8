import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dataset, span, spanId, T0_NS, traceId } from '../contract/fixtures.js';
import { encodePendingSpanColumns } from '../pending-span-columns.js';
import type { SpanRow } from '../types.js';
import { openDuckDbStorage } from './index.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function count(storage: Awaited<ReturnType<typeof openDuckDbStorage>>): Promise<number> {
  const rows = await storage.db.query('SELECT count(*) AS n FROM spans');
  return Number(rows[0]?.n);
}

describe('DuckDB resend deduplication', () => {
  it('never double-counts a batch resent after a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tenantry-dedup-'));
    dirs.push(dataDir);
    const batch = dataset();
    let storage = await openDuckDbStorage({ dataDir });
    await storage.migrate();
    await storage.write(batch);
    await storage.close();

    storage = await openDuckDbStorage({ dataDir });
    await storage.migrate();
    // The restarted writer has no fingerprints: every span of the resend is checked in the table.
    expect(await storage.write({ spans: batch.spans, logs: [], metrics: [] })).toMatchObject({
      spansWritten: 0,
      spansDuplicate: batch.spans.length,
    });
    const late = span({ tenantId: 'alpha', traceId: traceId(900), spanId: spanId(900) });
    expect(await storage.write({ spans: [late, late], logs: [], metrics: [] })).toMatchObject({
      spansWritten: 1,
      spansDuplicate: 1,
    });
    expect(await count(storage)).toBe(batch.spans.length + 1);
    await storage.close();
  });

  it('never double-counts a resent span whose fingerprint was evicted from memory', async () => {
    const storage = await openDuckDbStorage({
      dataDir: ':memory:',
      recentSpanKeys: { capacity: 50 },
    });
    await storage.migrate();
    const batches = Array.from({ length: 6 }, (_, b) =>
      Array.from({ length: 40 }, (_, i) =>
        span({
          tenantId: 'alpha',
          traceId: traceId(b * 100 + i),
          spanId: spanId(b * 100 + i),
          // Ten minutes apart, so each batch fills its own buckets and evicts the previous ones.
          startTimeUnixNano: T0_NS + BigInt(b) * 600_000_000_000n,
        }),
      ),
    );
    for (const spans of batches) await storage.write({ spans, logs: [], metrics: [] });
    for (const spans of batches) {
      expect(await storage.write({ spans, logs: [], metrics: [] })).toMatchObject({
        spansWritten: 0,
        spansDuplicate: 40,
      });
    }
    expect(await count(storage)).toBe(240);
    await storage.close();
  });

  it('stores a parked span once when a copy of it comes with its trace claim, as rows or columns', async () => {
    const storage = await openDuckDbStorage({ dataDir: ':memory:' });
    await storage.migrate();
    const child = (trace: number, n: number): SpanRow =>
      span({
        tenantId: '',
        traceId: traceId(trace),
        spanId: spanId(trace * 10 + n),
        parentSpanId: spanId(trace * 10),
      });
    const root = (trace: number) =>
      span({ tenantId: 'acme', traceId: traceId(trace), spanId: spanId(trace * 10) });
    const claim = (trace: number) => ({
      traceId: traceId(trace),
      tenantId: 'acme',
      fromRoot: true,
    });
    const write = (b: Partial<Parameters<typeof storage.write>[0]>) =>
      storage.write({ spans: [], logs: [], metrics: [], ...b });
    // Children parked, then resent in the batch that brings the root: taken from the park and
    // adopted from the batch, two copies each of which one is stored.
    expect(await write({ pendingSpans: [child(1, 1), child(1, 2)] })).toMatchObject({
      spansParked: 2,
    });
    expect(
      await write({
        spans: [root(1)],
        traceClaims: [claim(1)],
        pendingSpans: [child(1, 1), child(1, 2)],
      }),
    ).toMatchObject({ spansWritten: 3, spansDuplicate: 2 });
    // The same with the resent copies as an ingest worker's pending span columns.
    await write({ pendingSpanColumns: [encodePendingSpanColumns([child(2, 1), child(2, 2)])] });
    expect(
      await write({
        spans: [root(2)],
        traceClaims: [claim(2)],
        pendingSpanColumns: [encodePendingSpanColumns([child(2, 1), child(2, 2)])],
      }),
    ).toMatchObject({ spansWritten: 3, spansDuplicate: 2 });
    // And a copy of a span adopted from the park, resent after: found by its fingerprint.
    expect(
      await write({ pendingSpanColumns: [encodePendingSpanColumns([child(1, 1), child(2, 2)])] }),
    ).toMatchObject({ spansWritten: 0, spansDuplicate: 2, spansParked: 0 });
    expect(await count(storage)).toBe(6);
    const tenants = await storage.db.query('SELECT DISTINCT tenant_id FROM spans');
    expect(tenants.map((r) => r.tenant_id)).toEqual(['acme']);
    expect((await storage.parkedSpans()).count).toBe(0);
    await storage.close();
  });
});
