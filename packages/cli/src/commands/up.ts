import { loadConfig, type RunningServer, startServer } from '@tenantry/server';
import { intFlag, parseCommand, UsageError, withCliErrors } from '../args.js';
import type { CliIo } from '../io.js';

const HELP = `usage: tenantry up [options]

  --host <addr>             listen address (env TENANTRY_HOST, default 127.0.0.1)
  --port <n>                listen port (env TENANTRY_PORT, default 4318)
  --data-dir <dir>          data directory (env TENANTRY_DATA_DIR, default ./.tenantry)
  --config <file>           config file (env TENANTRY_CONFIG, default tenantry.yaml)
  --storage <engine>        duckdb (default) or clickhouse (env TENANTRY_STORAGE)
  --clickhouse-url <url>    ClickHouse HTTP URL (env TENANTRY_CLICKHOUSE_URL)
  --clickhouse-cluster <c>  ClickHouse cluster name for Distributed tables
`;

const OPTIONS = {
  host: { type: 'string' },
  port: { type: 'string' },
  'data-dir': { type: 'string' },
  config: { type: 'string' },
  storage: { type: 'string' },
  'clickhouse-url': { type: 'string' },
  'clickhouse-cluster': { type: 'string' },
} as const;

/** `tenantry up` could not listen: the host and port are taken by another process. */
export class AddressInUseError extends Error {
  readonly code = 'TENANTRY_E_ADDRESS_IN_USE';
}

export function printBanner(server: RunningServer, io: CliIo): void {
  io.stdout.write(
    `tenantry listening on ${server.url} (storage: ${server.storage.info().engine})\n`,
  );
  io.stdout.write(`  OTLP/HTTP  ${server.url}/v1/traces  /v1/logs  /v1/metrics\n`);
  io.stdout.write(`  dashboard  ${server.url}/\n`);
  if (server.bootstrapKeys) {
    io.stdout.write(
      '\nFirst start: these keys are shown once and stored only as hashes.\n' +
        `  admin key:           ${server.bootstrapKeys.admin}\n` +
        `  platform ingest key: ${server.bootstrapKeys.ingest}\n\n` +
        'Services send with TENANTRY_INGEST_KEY=<ingest key>; the CLI reads TENANTRY_ADMIN_KEY.\n\n',
    );
  } else {
    io.stdout.write(
      `  keys       this data dir has its keys already; for a new admin one (server stopped):\n` +
        `             tenantry keys create --admin --data-dir ${server.config.server.dataDir}\n`,
    );
  }
}

export async function run(args: string[], io: CliIo): Promise<number> {
  return withCliErrors('up', HELP, io, async () => {
    const parsed = parseCommand(args, { options: OPTIONS }, HELP, io);
    if (parsed === undefined) return 0;
    const { values } = parsed;
    const storage = values.storage;
    if (storage !== undefined && storage !== 'duckdb' && storage !== 'clickhouse') {
      throw new UsageError(`--storage must be duckdb or clickhouse, got '${storage}'`);
    }
    const config = loadConfig({
      file: values.config,
      fileIsExplicit: values.config !== undefined,
      overrides: {
        host: values.host,
        port: intFlag(values.port, 'port'),
        dataDir: values['data-dir'],
        storage,
        clickhouseUrl: values['clickhouse-url'],
        clickhouseCluster: values['clickhouse-cluster'],
      },
    });
    // Listening before anything is printed: a SIGTERM sent as soon as the keys appear (a test, a
    // supervisor) must find the handler, or the default action kills the process mid-start.
    const signalled = waitForSignal();
    let server: RunningServer;
    try {
      server = await startServer({ config, logger: true });
    } catch (err) {
      if ((err as { code?: unknown }).code === 'EADDRINUSE') {
        throw new AddressInUseError(
          `${config.server.host}:${config.server.port} is already in use (another tenantry, or \`npm run demo\`?): ` +
            'stop it or pass --port. No key was created; the first start that listens prints them.',
        );
      }
      throw err;
    }
    printBanner(server, io);
    await signalled;
    io.stdout.write('tenantry: shutting down, flushing queued writes…\n');
    await server.close();
    return 0;
  });
}

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });
}
