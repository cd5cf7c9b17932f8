import { describe, expect, it } from 'vitest';
import { linkedFromReadAhead, linkWindow } from '../../query/trace-view.js';
import { dataset, MS, span, spanId, T0_NS, traceId } from '../contract/fixtures.js';
import type { TenantScope } from '../types.js';
import { openDuckDbStorage } from './index.js';

type Storage = Awaited<ReturnType<typeof openDuckDbStorage>>;
const DAY_NS = 86_400_000_000_000n;
const MINUTE = 60_000n * MS;

/** Alpha traces linking to trace 1: 10 minutes after it (in its window) and 3 hours after (not). */
function linking() {
  const link = [{ traceId: traceId(1), spanId: spanId(100), attributes: {} }];
  return [
    span({
      tenantId: 'alpha',
      traceId: traceId(900),
      spanId: spanId(9000),
      name: 'consume',
      links: link,
      startTimeUnixNano: T0_NS + 10n * MINUTE,
    }),
    span({
      tenantId: 'alpha',
      traceId: traceId(900),
      spanId: spanId(9001),
      parentSpanId: spanId(9000),
      name: 'consume child',
      links: link,
      startTimeUnixNano: T0_NS + 11n * MINUTE,
    }),
    span({
      tenantId: 'alpha',
      traceId: traceId(901),
      spanId: spanId(9010),
      name: 'late consume',
      links: link,
      startTimeUnixNano: T0_NS + 180n * MINUTE,
    }),
  ];
}

async function open(): Promise<Storage> {
  const s = await openDuckDbStorage({ dataDir: ':memory:' });
  await s.migrate();
  const batch = dataset();
  await s.write({ ...batch, spans: [...batch.spans, ...linking()] });
  return s;
}

/** The trace page's answer from readTrace (as routes-traces.ts reads it) and from the reads one by one. */
async function bothWays(s: Storage, scope: TenantScope, id: string) {
  const read = await s.readTrace(scope, id);
  const spans = await s.traceSpans(scope, id);
  expect(read.spans).toEqual(spans);
  if (spans.length === 0) return { aheadUsed: false };
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
const TRACES = [traceId(1), traceId(2), traceId(101), traceId(900), traceId(950), traceId(404)];

describe('DuckDB readTrace', () => {
  it('answers as the reads one by one, before and after the trace index covers the traces', async () => {
    const s = await open();
    for (const scope of SCOPES) for (const id of TRACES) await bothWays(s, scope, id);
    await s.compactClosedWindows({
      windowNs: DAY_NS,
      closedBeforeNs: (T0_NS / DAY_NS + 2n) * DAY_NS,
      maxRowsPerTransaction: 200_000,
      lateRowsFraction: 0.05,
    });
    for (const scope of SCOPES) for (const id of TRACES) await bothWays(s, scope, id);
    s.db.close();
  });

  it('finds the traces that link here beside the spans once the index names where they are', async () => {
    const s = await open();
    await s.compactClosedWindows({
      windowNs: DAY_NS,
      closedBeforeNs: (T0_NS / DAY_NS + 2n) * DAY_NS,
      maxRowsPerTransaction: 200_000,
      lateRowsFraction: 0.05,
    });
    for (const scope of [{ tenantId: null }, { tenantId: 'alpha' }]) {
      const { aheadUsed, linked } = await bothWays(s, scope, traceId(1));
      expect(aheadUsed).toBe(true);
      expect(linked).toEqual([
        { traceId: traceId(900), rootName: 'consume', relation: 'linked_from' },
      ]);
    }
    s.db.close();
  });
});
