import { expect, it } from 'vitest';
import { linkedFromReadAhead, linkWindow } from '../../query/trace-view.js';
import type { ReadStore } from '../read-types.js';
import type { TenantScope, WriteBatch } from '../types.js';
import { dataset, MS, span, spanId, T0_NS, traceId } from './fixtures.js';

/** What the trace page reads of a storage, and what fills it. */
export type TraceStore = Pick<
  ReadStore,
  'readTrace' | 'traceSpans' | 'traceLogs' | 'linkedTraces'
> & { write(batch: WriteBatch): Promise<unknown> };

const MINUTE = 60_000n * MS;

/** The contract dataset, plus alpha traces (ids the dataset does not use) linking to trace 1: 10 minutes after it, and 3 hours. */
export function linkedDataset(): WriteBatch {
  const link = [{ traceId: traceId(1), spanId: spanId(100), attributes: {} }];
  const batch = dataset();
  const at = (m: bigint) => T0_NS + m * MINUTE;
  batch.spans.push(
    span({
      tenantId: 'alpha',
      traceId: traceId(7900),
      spanId: spanId(79000),
      name: 'consume',
      links: link,
      startTimeUnixNano: at(10n),
    }),
    span({
      tenantId: 'alpha',
      traceId: traceId(7900),
      spanId: spanId(79001),
      parentSpanId: spanId(79000),
      name: 'consume child',
      links: link,
      startTimeUnixNano: at(11n),
    }),
    span({
      tenantId: 'alpha',
      traceId: traceId(7901),
      spanId: spanId(79010),
      name: 'late consume',
      links: link,
      startTimeUnixNano: at(180n),
    }),
  );
  return batch;
}

/**
 * The trace page's answer from readTrace (as routes-traces.ts reads it) against the reads one by
 * one; whether the linking spans read ahead answered, and the linked traces.
 */
export async function bothWays(s: TraceStore, scope: TenantScope, id: string) {
  const read = await s.readTrace(scope, id);
  const spans = await s.traceSpans(scope, id);
  expect(read.spans).toEqual(spans);
  if (spans.length === 0) return { aheadUsed: false, linked: [] };
  const root = spans.find((x) => x.parentSpanId === '') ?? spans[0]!;
  const own = spans.filter((x) => x.tenantId === root.tenantId);
  expect(read.logs.filter((l) => l.tenantId === root.tenantId)).toEqual(
    await s.traceLogs({ tenantId: root.tenantId }, id),
  );
  const window = linkWindow(own);
  const ahead = linkedFromReadAhead(read.linking, root.tenantId, id, window);
  const linkScope = scope.tenantId === null ? { tenantId: root.tenantId } : scope;
  const inTurn = await s.linkedTraces(linkScope, id, [], window);
  if (ahead !== null) expect(ahead).toEqual(inTurn);
  return { aheadUsed: ahead !== null, linked: inTurn };
}

const SCOPES: TenantScope[] = [{ tenantId: null }, { tenantId: 'alpha' }, { tenantId: 'beta' }];
const TRACES = [1, 2, 101, 7900, 950, 404].map(traceId);

/** Every scope and trace of the linked dataset reads the same both ways. */
export async function everyTraceBothWays(s: TraceStore): Promise<void> {
  for (const scope of SCOPES) for (const id of TRACES) await bothWays(s, scope, id);
}

/** Once the engine knows where trace 1 is, the traces linking to it come from the read ahead. */
export function readsLinksAhead(store: () => TraceStore): void {
  it('finds the traces that link here beside the spans, in its tenant and hour only', async () => {
    for (const scope of [{ tenantId: null }, { tenantId: 'alpha' }]) {
      const { aheadUsed, linked } = await bothWays(store(), scope, traceId(1));
      expect(aheadUsed).toBe(true);
      expect(linked).toEqual([
        { traceId: traceId(7900), rootName: 'consume', relation: 'linked_from' },
      ]);
    }
  });
}
