import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnClickHouse } from '../../../../../test/helpers/chdb.js';
import { span, spanId } from '../contract/fixtures.js';
import { openClickHouseStorage } from './index.js';

/**
 * A trace by id reads only the day partitions the trace index names, bounded by the server's own
 * midnights (the partitions' days are toYYYYMMDD in its time zone): the first and last nanosecond
 * of a day, and a day two later, are all in.
 */
type ChStorage = Awaited<ReturnType<typeof openClickHouseStorage>>;
const DAY_NS = 86_400_000_000_000n;
const TRACE = 'd'.repeat(32);

describeOnClickHouse('ClickHouse trace by id across day partitions', (target) => {
  let s: ChStorage;
  let midnight: bigint;
  beforeAll(async () => {
    s = await openClickHouseStorage(target().options('read_trace_days'));
    await s.migrate();
    const [row] = await s.ch.query<{ s: string }>(
      `SELECT toUInt64(toUnixTimestamp(toDateTime(toDate('2026-03-10')))) AS s`,
    );
    midnight = BigInt(row!.s) * 1_000_000_000n;
    const at = (n: number, start: bigint, parent = '') =>
      span({
        tenantId: 'acme',
        traceId: TRACE,
        spanId: spanId(n),
        parentSpanId: parent,
        startTimeUnixNano: start,
      });
    await s.write({
      spans: [
        at(1, midnight - 1n),
        at(2, midnight, spanId(1)),
        at(3, midnight + DAY_NS - 1n, spanId(1)),
        at(4, midnight + 2n * DAY_NS, spanId(1)),
      ],
      logs: [],
      metrics: [],
    });
  });
  afterAll(() => s?.close());

  it("finds spans on a day's first and last nanosecond and two days later, with or without the tenant", async () => {
    for (const scope of [{ tenantId: null }, { tenantId: 'acme' }]) {
      expect((await s.traceSpans(scope, TRACE)).map((x) => x.spanId)).toEqual(
        [1, 2, 3, 4].map(spanId),
      );
    }
    expect(await s.traceSpans({ tenantId: 'other' }, TRACE)).toEqual([]);
  });
});
