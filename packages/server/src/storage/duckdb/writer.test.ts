import { describe, expect, it } from 'vitest';
import type { SpanRow } from '../types.js';
import { openDuckDbStorage } from './index.js';

function span(i: number): SpanRow {
  return {
    tenantId: `t${i % 3}`,
    traceId: i.toString(16).padStart(32, '0'),
    spanId: i.toString(16).padStart(16, '0'),
    parentSpanId: '',
    name: 'invoke_agent a',
    kind: 1,
    startTimeUnixNano: 1_700_000_000_000_000_000n + BigInt(i),
    endTimeUnixNano: 1_700_000_000_000_000_000n + BigInt(i) + 1000n,
    durationNs: 1000n,
    statusCode: 0,
    statusMessage: '',
    serviceName: 's',
    scopeName: 'x',
    agentId: null,
    agentName: null,
    operation: 'invoke_agent',
    model: null,
    provider: null,
    inputTokens: null,
    outputTokens: null,
    toolName: null,
    errorType: null,
    isRun: true,
    userId: null,
    conversationId: null,
    attributes: {},
    resourceAttributes: {},
    events: [],
    links: [],
  };
}

describe('DuckDB single writer', () => {
  it('keeps every batch when alert state, keys and retention write at the same time', async () => {
    const storage = await openDuckDbStorage({ dataDir: ':memory:' });
    await storage.migrate();
    const writes: Array<Promise<unknown>> = [];
    for (let b = 0; b < 40; b++) {
      const spans = Array.from({ length: 50 }, (_, i) => span(b * 50 + i));
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
