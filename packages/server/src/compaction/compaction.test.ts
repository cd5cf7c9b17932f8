import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../../test/helpers/server.js';
import type { Clock } from '../clock.js';
import { span } from '../storage/contract/fixtures.js';
import type { DuckDb } from '../storage/duckdb/database.js';
import type { Storage } from '../storage/open.js';
import type { SpanRow } from '../storage/types.js';
import { CompactionJob, DEFAULT_COMPACTION } from './compaction.js';

const DAY = 86_400_000;
/** Midnight UTC; days DAY0-3 .. DAY0-1 are closed, DAY0 is today. */
const DAY0 = 20_000 * DAY;
const TENANTS = ['acme', 'globex', 'initech', 'umbrella', 'hooli'];

/** A run of 3 spans (root, LLM call, failing tool call) of tenant `i % 5` starting at `ms`. */
function run(i: number, ms: number): SpanRow[] {
  const traceId = i.toString(16).padStart(32, '0');
  const at = (offsetMs: number) => BigInt(ms + offsetMs) * 1_000_000n;
  const child = (k: number, fields: Partial<SpanRow>): SpanRow =>
    span({
      tenantId: TENANTS[i % TENANTS.length]!,
      traceId,
      spanId: traceId.slice(16, 30) + k.toString().padStart(2, '0'),
      parentSpanId: k === 0 ? '' : `${traceId.slice(16, 30)}00`,
      name: 'invoke_agent support',
      operation: 'invoke_agent',
      agentId: 'support-v1',
      agentName: 'support',
      userId: `u${i % 7}`,
      startTimeUnixNano: at(k * 10),
      durationNs: 300_000_000n - BigInt(k) * 10_000_000n,
      ...fields,
    });
  const failed = i % 4 === 0;
  return [
    child(0, { isRun: true, statusCode: failed ? 2 : 0 }),
    child(1, {
      name: 'chat gpt-4o',
      operation: 'chat',
      model: 'gpt-4o',
      inputTokens: 100 + i,
      outputTokens: 20,
    }),
    child(2, {
      name: 'execute_tool lookup',
      operation: 'execute_tool',
      toolName: 'lookup',
      statusCode: failed ? 2 : 0,
    }),
  ];
}

/** `n` runs spread over the 3 closed days, in start-time order. */
function closedDayRuns(n: number): SpanRow[][] {
  return Array.from({ length: n }, (_, i) =>
    run(i, DAY0 - 3 * DAY + Math.floor((i * 3 * DAY) / n)),
  );
}

/** The server's DuckDB, for counting rows underneath the API. */
function duck(s: TestServer): DuckDb {
  return (s.storage as Storage & { db: DuckDb }).db;
}

let server: TestServer | null = null;
afterEach(async () => {
  await server?.stop();
  server = null;
});

describe('compaction job', () => {
  it('keeps row counts, resent-span deduplication and every query answer identical while ingest writes during compaction', async () => {
    const clock: Clock = { now: () => DAY0 + 2 * 3_600_000 };
    server = await startTestServer({
      clock,
      alerts: false,
      retention: false,
      compaction: false,
      config: { compaction: { maxRowsPerTransaction: 1000 } },
    });
    const s = server;
    const runs = closedDayRuns(3000);
    for (let b = 0; b < runs.length; b += 250) {
      await s.storage.write({ spans: runs.slice(b, b + 250).flat(), logs: [], metrics: [] });
    }
    const routes = [
      ...[1, 2, 3].map(
        (d) => `/api/v1/tenants?from=${DAY0 - d * DAY}&to=${DAY0 - (d - 1) * DAY}&sort=tenant`,
      ),
      ...TENANTS.flatMap((t) => [
        `/api/v1/runs?tenant=${t}&from=${DAY0 - 3 * DAY}&to=${DAY0}&limit=200`,
        `/api/v1/runs?tenant=${t}&from=${DAY0 - 2 * DAY}&to=${DAY0 - DAY}&limit=50&status=error`,
        `/api/v1/tenants/${t}/timeseries?metrics=runs,failure_rate,run_latency_p95,tokens_input&from=${DAY0 - 3 * DAY}&to=${DAY0}&step=3600`,
      ]),
      `/api/v1/runs?from=${DAY0 - 3 * DAY}&to=${DAY0}&limit=200`,
      ...[0, 1, 1234, 2999].map((i) => `/api/v1/traces/${runs[i]![0]!.traceId}`),
    ];
    const answers = async () => Promise.all(routes.map((r) => s.api(r).then((a) => a.body)));
    const closedRows = async () =>
      (
        await duck(s).query(
          `SELECT count(*) AS n, count(DISTINCT (tenant_id, trace_id, span_id)) AS keys
           FROM spans WHERE start_ns < ?`,
          [BigInt(DAY0) * 1_000_000n],
        )
      )[0];
    const before = await answers();
    const beforeRows = await closedRows();
    expect(beforeRows).toEqual({ n: 9000n, keys: 9000n });

    // While compaction runs: new runs of today, resends of closed days' spans, and readers that
    // must never see a closed-day span missing or twice.
    let compacting = true;
    const compaction = s.compaction.runOnce().finally(() => {
      compacting = false;
    });
    let todayWritten = 0;
    let resentDuplicates = 0;
    let reads = 0;
    const writer = (async () => {
      for (let i = 0; compacting || i < 3; i++) {
        const today = run(10_000 + i, DAY0 + i * 1000);
        const resent = runs[(i * 97) % runs.length]!;
        const r = await s.storage.write({ spans: [...today, ...resent], logs: [], metrics: [] });
        todayWritten += r.spansWritten;
        resentDuplicates += r.spansDuplicate;
      }
    })();
    const reader = (async () => {
      while (compacting) {
        expect(await closedRows()).toEqual(beforeRows);
        reads++;
      }
    })();
    const report = await compaction;
    await Promise.all([writer, reader]);

    expect(report.windows).toBe(3);
    expect(report.rows).toBe(9000);
    expect(report.transactions).toBeGreaterThanOrEqual(9);
    expect(reads).toBeGreaterThan(0);
    expect(todayWritten).toBeGreaterThan(0);
    expect(resentDuplicates).toBe(todayWritten);
    expect(await closedRows()).toEqual(beforeRows);
    expect(await answers()).toEqual(before);
    // Resent after compaction too: still recognised, nothing stored twice.
    const again = await s.storage.write({ spans: runs.slice(0, 50).flat(), logs: [], metrics: [] });
    expect(again).toMatchObject({ spansWritten: 0, spansDuplicate: 150 });
    const total = await duck(s).query('SELECT count(*) AS n FROM spans');
    expect(total).toEqual([{ n: BigInt(9000 + todayWritten) }]);
  });

  it('rewrites a day only once it has been closed for the grace period, on the injected clock', async () => {
    let now = DAY0 + 30 * 60_000;
    server = await startTestServer({
      clock: { now: () => now },
      compaction: false,
      retention: false,
    });
    const spans = closedDayRuns(30).flat();
    await server.storage.write({ spans, logs: [], metrics: [] });

    // Day -3 ended 30 minutes ago, within the grace period: nothing is closed yet.
    now = DAY0 - 2 * DAY + 30 * 60_000;
    expect((await server.compaction.runOnce()).windows).toBe(0);
    now = DAY0 - 2 * DAY + DEFAULT_COMPACTION.graceMinutes * 60_000;
    expect(await server.compaction.runOnce()).toMatchObject({ windows: 1, rows: 30 });
    const firstSweepAt = now;
    now = DAY0 + 2 * 3_600_000;
    expect(await server.compaction.runOnce()).toMatchObject({ windows: 2, rows: 60 });
    expect((await server.compaction.runOnce()).windows).toBe(0);
    // Each window records when it was rewritten on the same clock, not the machine's.
    const recorded = await duck(server).query(
      'SELECT compacted_at_ms AS at FROM compacted_windows WHERE table_name = ? ORDER BY window_start_ns',
      ['spans'],
    );
    expect(recorded.map((r) => Number(r.at))).toEqual([firstSweepAt, now, now]);
  });

  it('does nothing on a storage engine without compaction, such as ClickHouse', async () => {
    const job = new CompactionJob({}, DEFAULT_COMPACTION, { now: () => DAY0 });
    expect(job.supported).toBe(false);
    expect(await job.runOnce()).toEqual({ windows: 0, rows: 0, transactions: 0 });
    job.start();
    await job.stop();
  });
});
