import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { type ClickHouseSettings, createClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe } from 'vitest';
import type {
  ClickHouseOptions,
  ClientConnection,
} from '../../packages/server/src/storage/clickhouse/client.js';
import { startClickHouse } from './clickhouse.js';

/**
 * chDB: the current ClickHouse engine (26.x) in-process, the contract suite's second ClickHouse
 * beside Debian's 18.16 server. It is not a devDependency (178 MB packed): scripts/install-test-deps.sh
 * installs it into the cache directory below, and this file loads it from there.
 */
export const CHDB_PACKAGE_VERSION = '3.4.0';

export function chdbDir(): string {
  const cache = process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  return process.env.TENANTRY_CHDB_DIR ?? join(cache, 'tenantry', `chdb-${CHDB_PACKAGE_VERSION}`);
}

interface ChdbConnectionModule {
  createChdbConnection(options?: { path?: string }): ClientConnection;
}

/**
 * chDB's own defaults differ from a server's where an embedded engine wants it (mutations wait,
 * inserts are async). Every statement starts from the server's value, so what the adapter does not
 * set itself behaves as it would on a server; the adapter's own settings still win.
 */
const SERVER_DEFAULTS: ClickHouseSettings = { mutations_sync: '0', async_insert: 0 };

function withServerDefaults(connection: ClientConnection): ClientConnection {
  const settle = <P extends { clickhouse_settings?: ClickHouseSettings }>(params: P): P => ({
    ...params,
    clickhouse_settings: { ...SERVER_DEFAULTS, ...params.clickhouse_settings },
  });
  return {
    query: (p) => connection.query(settle(p)),
    command: (p) => connection.command(settle(p)),
    exec: (p) => connection.exec(settle(p)),
    insert: (p) => connection.insert(settle(p)),
    ping: (p) => connection.ping(p),
    close: () => connection.close(),
  } as ClientConnection;
}

let loaded: ChdbConnectionModule | undefined;

function loadChdb(): ChdbConnectionModule {
  if (loaded) return loaded;
  const dir = chdbDir();
  if (!existsSync(join(dir, 'node_modules', 'chdb', 'package.json'))) {
    throw new Error(
      `chDB is not installed in ${dir} (npm test installs it; or run: bash scripts/install-test-deps.sh)`,
    );
  }
  loaded = createRequire(join(dir, 'package.json'))('chdb/connection') as ChdbConnectionModule;
  return loaded;
}

/** What a test needs to open the adapter on one ClickHouse: where, and which version it is. */
export interface ClickHouseTarget {
  /** `clickhouse-server 18.16.1.0` or `chDB 26.7.2.1`: printed, and part of test names. */
  label: string;
  version: string;
  /** Adapter options for a database on this engine. */
  options(database: string): ClickHouseOptions;
  stop(): Promise<void>;
}

/** `path`: a data directory that outlives the process (benchmarks reuse a seeded one). */
export async function startChdb(path = ':memory:'): Promise<ClickHouseTarget> {
  const { createChdbConnection } = loadChdb();
  const connection = () => withServerDefaults(createChdbConnection({ path }));
  // Held open for the target's life: the engine's in-memory data directory lives while one does.
  const keep = createClient({ connection: connection() });
  const rs = await keep.query({ query: 'SELECT version() AS v', format: 'JSONEachRow' });
  const [row] = await rs.json<{ v: string }>();
  const version = row?.v ?? '?';
  return {
    label: `chDB ${version}`,
    version,
    options: (database) => ({ url: 'http://chdb.invalid', database, connection }),
    stop: () => keep.close(),
  };
}

export async function startServerTarget(): Promise<ClickHouseTarget> {
  const node = await startClickHouse();
  const res = await fetch(node.url, { method: 'POST', body: 'SELECT version()' });
  const version = (await res.text()).trim();
  return {
    label: `clickhouse-server ${version}`,
    version,
    options: (database) => ({ url: node.url, database }),
    stop: () => node.stop(),
  };
}

export type TargetName = 'server' | 'chdb';

/**
 * The engines a ClickHouse test runs on: both by default; `TENANTRY_CLICKHOUSE_TARGETS=chdb` (what
 * `npm run test:clickhouse-current` sets) or `=server` picks one.
 */
export function clickHouseTargets(): TargetName[] {
  const only = process.env.TENANTRY_CLICKHOUSE_TARGETS;
  const all: TargetName[] = ['server', 'chdb'];
  return only ? all.filter((t) => only.split(',').includes(t)) : all;
}

export function startTarget(name: TargetName): Promise<ClickHouseTarget> {
  return name === 'chdb' ? startChdb() : startServerTarget();
}

/**
 * A describe block per engine (see clickHouseTargets), each with its engine started before its
 * cases and stopped after; `target()` is valid inside hooks and cases. The engine's version is
 * printed once, so a run's log says what it ran on.
 */
export function describeOnClickHouse(
  title: string,
  body: (target: () => ClickHouseTarget) => void,
): void {
  for (const name of clickHouseTargets()) {
    describe(`${title} [${name === 'chdb' ? 'chDB' : 'clickhouse-server'}]`, () => {
      let target: ClickHouseTarget | undefined;
      beforeAll(async () => {
        target = await startTarget(name);
        console.info(`${title}: on ${target.label}`);
      });
      afterAll(() => target?.stop());
      body(() => target!);
    });
  }
}
