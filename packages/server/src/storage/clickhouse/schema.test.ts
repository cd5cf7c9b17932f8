import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnClickHouse } from '../../../../../test/helpers/chdb.js';
import { span, T0_NS } from '../contract/fixtures.js';
import { ChConnection } from './client.js';
import { openClickHouseStorage } from './index.js';
import { spanToRow } from './rows.js';
import { migrate, migrations } from './schema.js';

describeOnClickHouse('ClickHouse schema', (target) => {
  let ch: ChConnection;
  beforeAll(async () => {
    ch = await ChConnection.open(target().options('tenantry_schema'));
  });
  afterAll(async () => {
    await ch?.close();
  });

  /** A fresh database `db` as a release before `version` left it (migrations below it applied). */
  async function storageBefore(db: string, version: number) {
    const storage = await openClickHouseStorage(target().options(db));
    const c = storage.ch;
    await c.exec(`DROP DATABASE IF EXISTS ${db}`);
    await c.exec(`CREATE DATABASE ${db}`);
    await c.exec(
      `CREATE TABLE ${db}.schema_migrations (version UInt32, applied_at DateTime DEFAULT now()) ENGINE = MergeTree ORDER BY version`,
    );
    for (const m of migrations(c).filter((m) => m.version < version)) {
      for (const statement of m.statements) await c.exec(statement);
      await c.exec(`INSERT INTO ${db}.schema_migrations (version) VALUES (${m.version})`);
    }
    return storage;
  }

  it('creates every table with tenant_id leading its sort key, and migrates twice safely', async () => {
    await migrate(ch);
    await migrate(ch);
    const tables = await ch.query<{ name: string; sorting_key: string; engine: string }>(
      `SELECT name, sorting_key, engine FROM system.tables WHERE database = 'tenantry_schema' ORDER BY name`,
    );
    const byName = new Map(tables.map((t) => [t.name, t]));
    for (const t of ['spans', 'logs', 'metric_points', 'alert_states', 'alert_transitions']) {
      expect(byName.get(t)?.engine).toMatch(/MergeTree/);
    }
    const versions = await ch.query<{ version: number }>(
      'SELECT version FROM tenantry_schema.schema_migrations',
    );
    expect(versions.map((v) => Number(v.version)).sort((a, b) => a - b)).toEqual(
      migrations(ch).map((m) => m.version),
    );
  });

  it('reports the connected version and decides features from it', () => {
    expect(ch.version).toMatch(/^\d+\.\d+/);
    const current = Number.parseInt(ch.version, 10) >= 22;
    expect(ch.features).toEqual({
      lowCardinality: current,
      jsonExtract: current,
      asyncInsert: current,
      mutationsSync: current,
      current,
    });
  });

  it('stores repetitive columns as LowCardinality where the server has it', async () => {
    await migrate(ch);
    const types = new Map(
      (
        await ch.query<{ name: string; type: string }>(
          `SELECT name, type FROM system.columns WHERE database = 'tenantry_schema' AND table = 'spans'`,
        )
      ).map((c) => [c.name, c.type]),
    );
    const lc = ch.features.lowCardinality;
    expect(types.get('service_name')).toBe(lc ? 'LowCardinality(String)' : 'String');
    expect(types.get('model')).toBe(lc ? 'LowCardinality(Nullable(String))' : 'Nullable(String)');
    expect(types.get('start_ns')).toBe('Int64');
  });

  it('compresses span columns with ZSTD where the server is current, and LowCardinality without it', async () => {
    if (!ch.features.current) return; // 18.16: default LZ4, no CODEC clause sent
    const codecs = new Map(
      (
        await ch.query<{ name: string; compression_codec: string }>(
          `SELECT name, compression_codec FROM system.columns WHERE database = 'tenantry_schema' AND table = 'spans'`,
        )
      ).map((c) => [c.name, c.compression_codec]),
    );
    expect(codecs.get('attributes')).toBe('CODEC(ZSTD(1))');
    expect(codecs.get('start_ns')).toBe('CODEC(Delta(8), ZSTD(1))');
    expect(codecs.get('duration_ns')).toBe('CODEC(ZSTD(1))');
    expect(codecs.get('service_name')).toBe('');
  });

  it('sends DDL once, ON CLUSTER, through the first URL when the cluster has Keeper', async () => {
    const onCluster = await ChConnection.open({
      ...target().options('tenantry_on_cluster'),
      cluster: 'prod',
      onClusterDdl: true,
    });
    expect(onCluster.ddlNodes).toBe(1);
    const statements = migrations(onCluster).flatMap((m) => m.statements);
    expect(statements.length).toBeGreaterThan(10);
    for (const statement of statements) {
      // A backfill is data, not DDL: it runs once, through the Distributed tables.
      if (statement.startsWith('INSERT')) {
        expect(statement).not.toMatch(/_local\b/);
        continue;
      }
      expect(statement).toMatch(
        /^(CREATE|ALTER) (TABLE|MATERIALIZED VIEW) (IF NOT EXISTS )?tenantry_on_cluster\.\w+ ON CLUSTER prod /,
      );
    }
    expect(statements.some((s) => s.includes('ENGINE = Distributed(prod,'))).toBe(true);
    await onCluster.close();
  });

  it('upgrades a v1 database: spans stored before the classification columns are classified on read', async () => {
    const storage = await openClickHouseStorage(target().options('tenantry_upgrade'));
    const c = storage.ch;
    await c.exec('CREATE DATABASE IF NOT EXISTS tenantry_upgrade');
    await c.exec(
      'CREATE TABLE tenantry_upgrade.schema_migrations (version UInt32, applied_at DateTime DEFAULT now()) ENGINE = MergeTree ORDER BY version',
    );
    for (const statement of migrations(c)[0]!.statements) await c.exec(statement);
    await c.exec('INSERT INTO tenantry_upgrade.schema_migrations (version) VALUES (1)');
    const old = [
      span({
        tenantId: 'old',
        traceId: 'a'.repeat(32),
        spanId: 'b'.repeat(16),
        operation: 'chat',
        inputTokens: 7,
      }),
      span({
        tenantId: 'old',
        traceId: 'a'.repeat(32),
        spanId: 'c'.repeat(16),
        operation: 'execute_tool',
      }),
    ].map((s) => {
      const { is_llm: _llm, is_tool: _tool, ...v1 } = spanToRow(s);
      return v1;
    });
    await c.insert('spans', old);
    await storage.migrate();
    const [row] = await storage.tenantAggregates(
      { tenantId: 'old' },
      {
        range: { fromNs: T0_NS - 1n, toNs: T0_NS + 1_000_000_000n },
        sort: 'tenant',
        order: 'asc',
        limit: 1,
        offset: 0,
        prices: {},
      },
    );
    expect(row).toMatchObject({ spans: 2, llmCalls: 1, inputTokens: 7, toolCalls: 1 });
    await storage.close();
  });
  it('upgrades a rollup built before v10 to tenant-first order, with the same overview, and again safely', async () => {
    const db = 'tenantry_upgrade_v10';
    const storage = await storageBefore(db, 10);
    const c = storage.ch;
    const HOUR = 3_600_000_000_000n;
    const spans = ['a', 'b', 'c'].flatMap((tenantId, t) =>
      [0n, 1n, 2n].map((h) =>
        span({
          tenantId,
          traceId: `${t}${h}`.padStart(32, '0'),
          spanId: `${t}${h}`.padStart(16, '0'),
          startTimeUnixNano: T0_NS + h * HOUR + BigInt(t),
          isRun: true,
        }),
      ),
    );
    await storage.write({ spans, logs: [], metrics: [] });
    await storage.compactClosedWindows?.({
      windowNs: 24n * HOUR,
      closedBeforeNs: T0_NS + 3n * HOUR,
      maxRowsPerTransaction: 200_000,
      lateRowsFraction: 0.05,
    });
    const sortKey = async () =>
      (
        await c.query<{ k: string }>(
          `SELECT sorting_key AS k FROM system.tables WHERE database = '${db}' AND name = 'tenant_hours'`,
        )
      )[0]?.k;
    const overview = (tenantId: string | null) =>
      storage.tenantAggregates(
        { tenantId },
        {
          range: { fromNs: T0_NS - HOUR, toNs: T0_NS + 4n * HOUR },
          sort: 'tenant',
          order: 'asc',
          limit: 10,
          offset: 0,
          prices: {},
        },
      );
    const before = await overview(null);
    expect(before.map((r) => [r.tenantId, r.runs])).toEqual([
      ['a', 3],
      ['b', 3],
      ['c', 3],
    ]);
    expect(await sortKey()).toBe('hour, tenant_id, has_model, model_key');
    const rows = async () =>
      (await c.query<{ n: string }>(`SELECT count() AS n FROM ${db}.tenant_hours`))[0]?.n;
    const rolled = await rows();
    await storage.migrate();
    expect(await sortKey()).toBe('tenant_id, hour, has_model, model_key');
    expect(await rows()).toBe(rolled);
    expect(await overview(null)).toEqual(before);
    expect(await overview('b')).toEqual(before.filter((r) => r.tenantId === 'b'));
    // Run again (as after a crash): the same rows, no copy left behind.
    for (const statement of migrations(c).find((m) => m.version === 10)!.statements) {
      await c.exec(statement);
    }
    expect(await rows()).toBe(rolled);
    expect(await overview(null)).toEqual(before);
    const left = await c.query(
      `SELECT name FROM system.tables WHERE database = '${db}' AND name LIKE 'tenant_hours_by%'`,
    );
    expect(left).toEqual([]);
    await storage.close();
  });

  it('upgrades the trace index to month partitions: traces from before and after are found, and again safely', async () => {
    const db = 'tenantry_upgrade_v11';
    const storage = await storageBefore(db, 11);
    const c = storage.ch;
    const DAY = 86_400_000_000_000n;
    const trace = (n: number) => String(n).padStart(32, '0');
    const write = (n: number, tenantId: string) =>
      storage.write({
        spans: [
          span({
            tenantId,
            traceId: trace(n),
            spanId: String(n).padStart(16, '0'),
            startTimeUnixNano: T0_NS + BigInt(n) * DAY,
          }),
        ],
        logs: [],
        metrics: [],
      });
    // Three days, and two tenants sharing a trace id.
    await write(1, 'a');
    await write(2, 'b');
    await write(40, 'a');
    await write(40, 'b');
    const partitions = async () =>
      (
        await c.query<{ p: string }>(
          `SELECT DISTINCT partition AS p FROM system.parts
           WHERE database = '${db}' AND table = 'trace_index' AND active ORDER BY p`,
        )
      ).map((r) => r.p);
    expect(await partitions()).toHaveLength(3);
    const found = async () =>
      Promise.all(
        [1, 2, 40, 41].map(async (n) =>
          (await storage.traceSpans({ tenantId: null }, trace(n))).map((s) => s.tenantId).sort(),
        ),
      );
    expect(await found()).toEqual([['a'], ['b'], ['a', 'b'], []]);
    const entries = async () =>
      Number((await c.query<{ n: string }>(`SELECT count() AS n FROM ${db}.trace_index`))[0]!.n);
    expect(await entries()).toBe(4);
    await storage.migrate();
    // Month partitions (the days of T0 + 40 days fall in another month than T0's), each entry once.
    expect(await partitions()).toHaveLength(2);
    expect(await entries()).toBe(4);
    await write(41, 'c');
    expect(await found()).toEqual([['a'], ['b'], ['a', 'b'], ['c']]);
    expect(await storage.traceSpans({ tenantId: 'b' }, trace(40))).toHaveLength(1);
    // Run again (as after a crash): the same answers, no copy left behind.
    for (const statement of migrations(c).find((m) => m.version === 11)!.statements) {
      await c.exec(statement);
    }
    await write(42, 'a');
    expect([
      ...(await found()),
      (await storage.traceSpans({ tenantId: null }, trace(42))).length,
    ]).toEqual([['a'], ['b'], ['a', 'b'], ['c'], 1]);
    expect(await entries()).toBe(6);
    const left = await c.query(
      `SELECT name FROM system.tables WHERE database = '${db}' AND match(name, '^trace_index_(by|copied)')`,
    );
    expect(left).toEqual([]);
    await storage.close();
  });

  it('upgrades a database from before the trace index: its spans are found by id without a tenant', async () => {
    const storage = await storageBefore('tenantry_upgrade_v7', 7);
    const c = storage.ch;
    const traceId = 'd'.repeat(32);
    await c.insert('spans', [
      spanToRow(span({ tenantId: 'before', traceId, spanId: 'e'.repeat(16) })),
      spanToRow(span({ tenantId: 'other', traceId, spanId: 'f'.repeat(16) })),
    ]);
    await storage.migrate();
    // Spans written after the upgrade go through the view; those from before, through the copy.
    await storage.write({
      spans: [span({ tenantId: 'after', traceId, spanId: 'a'.repeat(16) })],
      logs: [],
      metrics: [],
    });
    const found = await storage.traceSpans({ tenantId: null }, traceId);
    expect(found.map((s) => s.tenantId).sort()).toEqual(['after', 'before', 'other']);
    expect(await storage.traceSpans({ tenantId: 'before' }, traceId)).toHaveLength(1);
    expect(await storage.traceSpans({ tenantId: 'nobody' }, traceId)).toEqual([]);
    await storage.migrate();
    expect(await storage.traceSpans({ tenantId: null }, traceId)).toHaveLength(3);
    await storage.close();
  });
});
