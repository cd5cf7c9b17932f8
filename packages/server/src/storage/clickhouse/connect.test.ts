import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ClickHouseNode,
  makeTestCa,
  startClickHouse,
  type TestCa,
} from '../../../../../test/helpers/clickhouse.js';
import { InvalidConfigError, loadConfig, parseConfig } from '../../config/config.js';
import { dataset, traceId } from '../contract/fixtures.js';
import { openStorage } from '../open.js';

const dir = mkdtempSync(join(tmpdir(), 'tenantry-ch-tls-'));
let ca: TestCa;
beforeAll(() => {
  ca = makeTestCa(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const clickhouse = (c: Record<string, unknown>) =>
  parseConfig({ storage: { engine: 'clickhouse', clickhouse: c } }).storage.clickhouse;

/** The message of the InvalidConfigError a section is refused with. */
function refusal(c: Record<string, unknown>): string {
  try {
    clickhouse(c);
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidConfigError);
    expect((err as InvalidConfigError).code).toBe('TENANTRY_E_INVALID_CONFIG');
    return (err as Error).message;
  }
  throw new Error(`accepted: ${JSON.stringify(c)}`);
}

describe('storage.clickhouse settings', () => {
  it('refuses each invalid setting at start, naming the field', () => {
    expect(refusal({ url: 'clickhouse:8123' })).toMatch(/url.*not an http/);
    expect(refusal({ url: ' , ' })).toMatch(/url.*at least one/);
    expect(refusal({ url: 'https://u:p@ch:8443' })).toMatch(/url.*credentials/);
    expect(refusal({ database: 'a-b' })).toMatch(/database.*plain identifier/);
    expect(refusal({ cluster: 'c; DROP' })).toMatch(/cluster.*plain identifier/);
    expect(refusal({ url: 'http://ch:8123', caFile: ca.caFile })).toMatch(/caFile.*https/);
    expect(refusal({ url: 'https://ch:8443', caFile: join(dir, 'nope.pem') })).toMatch(
      /caFile.*cannot read.*ENOENT/,
    );
    writeFileSync(join(dir, 'empty.pem'), 'not a certificate');
    expect(refusal({ url: 'https://ch:8443', caFile: join(dir, 'empty.pem') })).toMatch(
      /caFile.*no PEM certificate/,
    );
    expect(refusal({ onClusterDdl: true })).toMatch(/onClusterDdl.*needs `cluster`/);
    expect(refusal({ replicatedByServer: true, cluster: 'c' })).toMatch(/replicatedByServer/);
    expect(refusal({ replicatedByServer: true, url: 'https://a:8443,https://b:8443' })).toMatch(
      /replicatedByServer.*one service URL/,
    );
    expect(refusal({ password: 'x' })).toMatch(/password.*needs a username/);
    expect(refusal({ replicas: 2 })).toMatch(/replicas/);
  });

  it('accepts a cluster with ON CLUSTER DDL and a self-replicating service', () => {
    expect(clickhouse({ cluster: 'prod', onClusterDdl: true })).toMatchObject({
      cluster: 'prod',
      onClusterDdl: true,
      replicatedByServer: false,
    });
    expect(
      clickhouse({ url: 'https://abc.example.com:8443', replicatedByServer: true }),
    ).toMatchObject({ replicatedByServer: true, database: 'tenantry' });
  });

  it('takes the user, password, database and CA file from the environment over the file', () => {
    const config = loadConfig({
      file: join(dir, 'absent.yaml'),
      env: {
        TENANTRY_STORAGE: 'clickhouse',
        TENANTRY_CLICKHOUSE_URL: 'https://127.0.0.1:8443',
        TENANTRY_CLICKHOUSE_USER: 'tenantry',
        TENANTRY_CLICKHOUSE_PASSWORD: 'from-env',
        TENANTRY_CLICKHOUSE_DATABASE: 'telemetry',
        TENANTRY_CLICKHOUSE_CA_FILE: ca.caFile,
      },
    });
    expect(config.storage.clickhouse).toMatchObject({
      url: 'https://127.0.0.1:8443',
      username: 'tenantry',
      password: 'from-env',
      database: 'telemetry',
      caFile: ca.caFile,
    });
  });
});

describe('ClickHouse over TLS with a private CA and a password (clickhouse-server)', () => {
  let node: ClickHouseNode;
  beforeAll(async () => {
    node = await startClickHouse({
      tls: { certFile: ca.certFile, keyFile: ca.keyFile },
      users: { tenantry: 's3cret' },
    });
  });
  afterAll(() => node?.stop());

  const configFor = (env: Record<string, string>) =>
    loadConfig({
      file: join(dir, 'absent.yaml'),
      env: { TENANTRY_STORAGE: 'clickhouse', TENANTRY_CLICKHOUSE_URL: node.httpsUrl!, ...env },
    });

  it('writes and reads through https, trusting only the configured CA', async () => {
    const storage = await openStorage(
      configFor({
        TENANTRY_CLICKHOUSE_USER: 'tenantry',
        TENANTRY_CLICKHOUSE_PASSWORD: 's3cret',
        TENANTRY_CLICKHOUSE_CA_FILE: ca.caFile,
        TENANTRY_CLICKHOUSE_DATABASE: 'over_tls',
      }),
    );
    await storage.migrate();
    await storage.write(dataset());
    expect(await storage.traceSpans({ tenantId: 'alpha' }, traceId(1))).toHaveLength(8);
    expect(storage.info()).toMatchObject({ engine: 'clickhouse', version: '18.16.1' });
    await storage.close();
  });

  it('refuses a server whose certificate the CA did not sign, and a wrong password, by name', async () => {
    await expect(openStorage(configFor({ TENANTRY_CLICKHOUSE_USER: 'tenantry' }))).rejects.toThrow(
      /cannot reach ClickHouse at https:.*certificate/,
    );
    await expect(
      openStorage(
        configFor({
          TENANTRY_CLICKHOUSE_USER: 'tenantry',
          TENANTRY_CLICKHOUSE_PASSWORD: 'wrong',
          TENANTRY_CLICKHOUSE_CA_FILE: ca.caFile,
        }),
      ),
    ).rejects.toThrow(/cannot reach ClickHouse.*(Wrong password|Authentication failed)/);
  });
});
