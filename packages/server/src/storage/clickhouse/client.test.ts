import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnClickHouse } from '../../../../../test/helpers/chdb.js';
import { log, span } from '../contract/fixtures.js';
import type { ClientConnection } from './client.js';
import { openClickHouseStorage } from './index.js';

type ChStorage = Awaited<ReturnType<typeof openClickHouseStorage>>;

// Odd values above 2^53: a double cannot hold them, so any read through a JS number shows.
const ABOVE_2_53 = 9_007_199_254_740_993n;
const START_NS = 1_700_000_001_010_000_001n;

describeOnClickHouse('ClickHouse 64-bit integers and insert settings', (target) => {
  let storage: ChStorage;
  const inserts: Array<Record<string, unknown>> = [];
  beforeAll(async () => {
    const options = target().options('exact_ints');
    const inner = options.connection;
    // Records what each insert asked of the server, on top of whichever connection the engine uses.
    const recording = inner
      ? (): ClientConnection => {
          const c = inner();
          return {
            ...c,
            query: (p) => c.query(p),
            command: (p) => c.command(p),
            exec: (p) => c.exec(p),
            ping: (p) => c.ping(p),
            close: () => c.close(),
            insert: (p) => {
              inserts.push({ ...p.clickhouse_settings });
              return c.insert(p);
            },
          };
        }
      : undefined;
    storage = await openClickHouseStorage({
      ...options,
      ...(recording ? { connection: recording } : {}),
    });
    await storage.migrate();
  });
  afterAll(() => storage?.close());

  it('reads every Int64 and UInt64 exactly, whatever the server quotes by default', async () => {
    // chDB keeps a SET for the rest of the session (a server over HTTP has no session to keep it
    // in): the adapter's own per-statement setting must still win.
    if (target().options('x').connection) {
      await storage.ch.exec('SET output_format_json_quote_64bit_integers = 0');
    }
    const [row] = await storage.ch.query<Record<string, unknown>>(
      `SELECT toInt64('-9223372036854775808') AS min_i64, toUInt64('18446744073709551615') AS max_u64,
              toInt64('${ABOVE_2_53}') AS above, count() AS n FROM system.one`,
    );
    expect(row).toEqual({
      min_i64: '-9223372036854775808',
      max_u64: '18446744073709551615',
      above: ABOVE_2_53.toString(),
      n: '1',
    });
  });

  it('returns nanosecond timestamps above 2^53 digit for digit', async () => {
    const s = span({
      tenantId: 'exact',
      traceId: 'e'.repeat(32),
      spanId: 'f'.repeat(16),
      startTimeUnixNano: START_NS,
      durationNs: 999_999_999n,
    });
    const l = log({
      tenantId: 'exact',
      body: 'exact',
      traceId: s.traceId,
      spanId: s.spanId,
      timeUnixNano: START_NS + 7n,
      observedTimeUnixNano: START_NS + 9n,
    });
    await storage.write({ spans: [s], logs: [l], metrics: [] });
    const [back] = await storage.traceSpans({ tenantId: 'exact' }, s.traceId);
    expect([back?.startTimeUnixNano, back?.endTimeUnixNano, back?.durationNs]).toEqual([
      START_NS,
      START_NS + 999_999_999n,
      999_999_999n,
    ]);
    const [logBack] = await storage.traceLogs({ tenantId: 'exact' }, s.traceId);
    expect([logBack?.timeUnixNano, logBack?.observedTimeUnixNano]).toEqual([
      START_NS + 7n,
      START_NS + 9n,
    ]);
  });

  it('asks servers that have them for async inserts answered only once stored', () => {
    // Recorded where the engine is in-process (chDB); over HTTP there is no connection to wrap.
    if (!target().options('x').connection) return;
    expect(inserts.length).toBeGreaterThan(0);
    const asked = storage.ch.features.asyncInsert
      ? { async_insert: '1', wait_for_async_insert: '1' }
      : {};
    for (const settings of inserts) expect(settings).toMatchObject(asked);
  });
});
