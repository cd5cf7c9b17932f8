import { describe, expect, it } from 'vitest';
import { InvalidConfigError, journalSettings, parseConfig } from './config.js';

describe('ingest configuration', () => {
  it('defaults to tenant.id then tenant_id and a window of at least ten minutes', () => {
    const { ingest } = parseConfig({});
    expect(ingest.tenantAttributes).toEqual(['tenant.id', 'tenant_id']);
    expect(ingest.traceTenantWindowSeconds).toBeGreaterThanOrEqual(600);
  });

  it('keeps the tenant attributes a user names, in their order', () => {
    const names = ['traceloop.association.properties.tenant_id', 'metadata.tenant_id', 'org_id'];
    expect(parseConfig({ ingest: { tenantAttributes: names } }).ingest.tenantAttributes).toEqual(
      names,
    );
  });

  it.each([
    [[], 'ingest.tenantAttributes: name at least one attribute'],
    [['org_id', 'org_id'], 'ingest.tenantAttributes: attribute names must not repeat'],
    [['org id'], 'ingest.tenantAttributes.0: an attribute name has no spaces'],
    [[''], 'ingest.tenantAttributes.0: an attribute name must not be empty'],
    ['org_id', 'ingest.tenantAttributes'],
  ])('refuses tenantAttributes %j with a message naming the field', (value, message) => {
    const parse = () => parseConfig({ ingest: { tenantAttributes: value } });
    expect(parse).toThrow(InvalidConfigError);
    expect(parse).toThrow(message);
  });

  it('refuses an unknown ingest setting', () => {
    expect(() => parseConfig({ ingest: { tenantAttribute: ['x'] } })).toThrow(
      /ingest: Unrecognized key/,
    );
  });
});

describe('journal configuration', () => {
  const clickhouse = (journal: Record<string, unknown> = {}, dataDir = '/var/lib/tenantry') =>
    parseConfig({
      server: { dataDir },
      storage: { engine: 'clickhouse', clickhouse: { url: 'http://ch:8123' }, journal },
    });

  it('is on for DuckDB and off for ClickHouse unless enabled, each with its own flush defaults', () => {
    expect(journalSettings(parseConfig({}))).toMatchObject({
      enabled: true,
      flushRows: 16_384,
      flushIntervalMs: 250,
    });
    expect(journalSettings(clickhouse())).toMatchObject({
      enabled: false,
      flushRows: 100_000,
      flushIntervalMs: 1_000,
    });
    expect(journalSettings(clickhouse({ enabled: true, flushIntervalMs: 2000 }))).toMatchObject({
      enabled: true,
      flushRows: 100_000,
      flushIntervalMs: 2_000,
    });
  });

  it('takes the defaults of the storage the server was handed, not of the configured engine', () => {
    expect(journalSettings(parseConfig({}), 'clickhouse').enabled).toBe(false);
  });

  it('refuses a ClickHouse journal asked for without a data dir on disk', () => {
    expect(() => clickhouse({ enabled: true }, ':memory:')).toThrow(/needs server.dataDir/);
    expect(journalSettings(parseConfig({ server: { dataDir: ':memory:' } })).enabled).toBe(false);
  });
});
