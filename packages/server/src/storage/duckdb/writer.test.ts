import { describe, expect, it } from 'vitest';
import { span } from '../contract/fixtures.js';
import type { SpanRow } from '../types.js';
import { openDuckDbStorage } from './index.js';

function spanAt(i: number): SpanRow {
  return span({
    tenantId: `t${i % 3}`,
    traceId: i.toString(16).padStart(32, '0'),
    spanId: i.toString(16).padStart(16, '0'),
    name: 'invoke_agent a',
    startTimeUnixNano: 1_700_000_000_000_000_000n + BigInt(i),
    durationNs: 1000n,
    serviceName: 's',
    scopeName: 'x',
    operation: 'invoke_agent',
    isRun: true,
    resourceAttributes: {},
  });
}

describe('DuckDB single writer', () => {
  it('keeps every batch when alert state, keys and retention write at the same time', async () => {
    const storage = await openDuckDbStorage({ dataDir: ':memory:' });
    await storage.migrate();
    const writes: Array<Promise<unknown>> = [];
    for (let b = 0; b < 40; b++) {
      const spans = Array.from({ length: 50 }, (_, i) => spanAt(b * 50 + i));
      writes.push(storage.write({ spans, logs: [], metrics: [] }));
      writes.push(
        storage.saveAlertStates([
          {
            ruleId: 'r',
            tenantId: `t${b % 3}`,
            state: 'firing',
            since: b,
            lastEvaluated: b,
            value: 1,
            threshold: 0.5,
            lastNotifiedAt: null,
            exampleTraceId: null,
            ruleSnapshot: null,
            suspect: null,
          },
        ]),
      );
      writes.push(storage.deleteOlderThan('nobody', 0n));
    }
    await Promise.all(writes);
    const rows = await storage.db.query('SELECT count(*) AS n FROM spans');
    expect(Number(rows[0]?.n)).toBe(2000);
    expect((await storage.loadAlertStates()).length).toBe(3);
    await storage.close();
  });
});
