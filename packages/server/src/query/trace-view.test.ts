import { describe, expect, it } from 'vitest';
import type { LinkingSpan } from '../storage/read-types.js';
import { linkedFromReadAhead } from './trace-view.js';

const at = (n: number) => BigInt(n) * 1_000_000_000n;
const span = (traceId: string, start: number, name = traceId, tenantId = 't'): LinkingSpan => ({
  tenantId,
  traceId,
  name,
  startNs: at(start),
});

describe('linkedFromReadAhead', () => {
  const window = { fromNs: at(100), toNs: at(200) };

  it('answers only when the ranges read, merged where they touch, hold the whole window', () => {
    const spans = [span('a', 150)];
    const read = (within: Array<[number, number]>) =>
      linkedFromReadAhead(
        { within: within.map(([f, t]) => ({ fromNs: at(f), toNs: at(t) })), spans },
        't',
        'self',
        window,
      );
    expect(read([[50, 250]])).toHaveLength(1);
    expect(
      read([
        [150, 250],
        [50, 150],
      ]),
    ).toHaveLength(1);
    expect(
      read([
        [50, 140],
        [160, 250],
      ]),
    ).toBeNull();
    expect(read([[120, 250]])).toBeNull();
    expect(linkedFromReadAhead(null, 't', 'self', window)).toBeNull();
  });

  it('keeps the tenant’s other traces in the window, each named by its earliest span', () => {
    const spans = [
      span('b', 180, 'b later'),
      span('b', 120, 'b first'),
      span('self', 130),
      span('c', 99),
      span('d', 200),
      span('e', 140, 'e', 'other tenant'),
      span('f', 110, 'f'),
    ];
    expect(
      linkedFromReadAhead(
        { within: [{ fromNs: at(0), toNs: at(1000) }], spans },
        't',
        'self',
        window,
      ),
    ).toEqual([
      { traceId: 'f', rootName: 'f', relation: 'linked_from' },
      { traceId: 'b', rootName: 'b first', relation: 'linked_from' },
    ]);
  });

  it('answers at most 100 traces', () => {
    const spans = Array.from({ length: 150 }, (_, i) => span(`t${i}`, 100 + (i % 90)));
    const got = linkedFromReadAhead(
      { within: [{ fromNs: at(0), toNs: at(1000) }], spans },
      't',
      'self',
      window,
    );
    expect(got).toHaveLength(100);
  });
});
