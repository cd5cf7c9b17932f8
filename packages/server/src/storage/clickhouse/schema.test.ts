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
    expect(versions.map((v) => Number(v.version)).sort()).toEqual([1, 2, 3, 4]);
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
    expect(codecs.get('start_ns')).toBe('CODEC(ZSTD(1))');
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
      expect(statement).toMatch(
        /^(CREATE|ALTER) TABLE (IF NOT EXISTS )?tenantry_on_cluster\.\w+ ON CLUSTER prod /,
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
});
