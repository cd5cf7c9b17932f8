import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { type RunningServer, startServer, TenantryError } from '@tenantry/server';
import { intFlag, parseCommand, UsageError } from '../args.js';
import { demoServerConfig } from '../demo/config.js';
import { forkService, nextMessage } from '../demo/fork.js';
import type { GatewayEvent, GatewayOptions } from '../demo/gateway-main.js';
import { demoTenants } from '../demo/tenants.js';
import { tourText } from '../demo/tour.js';
import type { CliIo } from '../io.js';

const HELP = `usage: tenantry demo [options]

Runs a simulated multi-tenant agent platform instrumented with @tenantry/sdk: an hour of
backfilled traffic, then live traffic, with tenant-b's incident and tenant-d's runaway agent.

  --with-server        start a tenantry server in this process (embedded DuckDB)
  --data-dir <dir>     its data directory, wiped at start (default ./.tenantry-demo)
  --host <addr>        its listen address (default 127.0.0.1)
  --port <n>           its port (default 4318; 0 picks a free one)
  --webhook <url>      also POST its alerts as JSON to this http(s) URL (repeatable); a firing
                       alert's body names the suspect (tool, error type, version)
  --url <url>          send to an already running server instead (with --key)
  --key <key>          ingest (or admin) key for --url
  --duration <d>       stop after this long live, e.g. 20s, 5m (default: until Ctrl-C)
  --backfill <d>       event-time history to backfill (default 60m)
  --fix-after <d>      live time until tenant-b's fix is deployed (default 4m)
`;

const OPTIONS = {
  'with-server': { type: 'boolean' },
  'data-dir': { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string' },
  webhook: { type: 'string', multiple: true },
  url: { type: 'string' },
  key: { type: 'string' },
  duration: { type: 'string' },
  backfill: { type: 'string' },
  'fix-after': { type: 'string' },
} as const;

const MINUTE = 60_000;

/** For callers in this process (tests), not the command line. */
export interface DemoRunOptions {
  /** Serve the dashboard from this build instead of the bundled one. */
  uiDir?: string;
  /** Ends the live phase early, as Ctrl-C does. */
  signal?: AbortSignal;
}

export async function run(
  args: string[],
  io: CliIo,
  runOptions: DemoRunOptions = {},
): Promise<number> {
  let server: RunningServer | undefined;
  let gateway: ChildProcess | undefined;
  let stats: { runs: number; failed: number } | undefined;
  try {
    const parsed = parseCommand(args, { options: OPTIONS }, HELP, io);
    if (parsed === undefined) return 0;
    const { values } = parsed;
    const durationMs = durationFlag(values.duration, 'duration');
    const backfillMs = durationFlag(values.backfill, 'backfill') ?? 60 * MINUTE;
    const fixAfterMs = durationFlag(values['fix-after'], 'fix-after') ?? 4 * MINUTE;
    const withServer = values['with-server'] === true;
    if (withServer === (values.url !== undefined)) {
      throw new UsageError('give either --with-server or --url with --key');
    }
    if (!withServer && values.key === undefined) throw new UsageError('--url needs --key');
    const webhooks = (values.webhook ?? []).map(webhookFlag);
    if (!withServer && webhooks.length > 0) {
      throw new UsageError(
        "--webhook needs --with-server (a running server's receivers are in its tenantry.yaml)",
      );
    }

    let endpoint: string;
    let ingestKey: string;
    let adminKey: string | null = null;
    if (withServer) {
      const dataDir = values['data-dir'] ?? './.tenantry-demo';
      // The demo's story needs a clean slate: old runs would sit in the alert windows.
      rmSync(dataDir, { recursive: true, force: true });
      server = await startServer({
        config: demoServerConfig({
          host: values.host ?? '127.0.0.1',
          port: intFlag(values.port, 'port') ?? 4318,
          dataDir,
          webhooks,
        }),
        logger: false,
        ...(runOptions.uiDir !== undefined ? { uiDir: runOptions.uiDir } : {}),
      });
      if (server.bootstrapKeys === null) throw new Error('a wiped data dir must bootstrap keys');
      endpoint = server.url;
      ingestKey = server.bootstrapKeys.ingest;
      adminKey = server.bootstrapKeys.admin;
      io.stdout.write(`tenantry demo: server on ${server.url} (data dir ${dataDir}, wiped)\n`);
    } else {
      endpoint = String(values.url).replace(/\/+$/, '');
      ingestKey = String(values.key);
    }

    const options: GatewayOptions = {
      endpoint,
      ingestKey,
      // The demo marks tenant B's deploys through the events API with the admin key it made.
      eventsKey: adminKey,
      backfillMinutes: backfillMs / MINUTE,
      deployAgoMs: Math.min(8 * MINUTE, backfillMs / 2),
      loopAgoMs: Math.min(4 * MINUTE, backfillMs / 4),
      fixAfterMs,
    };
    gateway = forkService('gateway-main', { TENANTRY_DEMO_OPTIONS: JSON.stringify(options) });
    gateway.on('message', (e: GatewayEvent) => {
      if (e.type === 'say') io.stdout.write(`tenantry demo: ${e.line}\n`);
    });
    const child = gateway;
    const event = <T extends GatewayEvent['type']>(type: T) =>
      nextMessage<GatewayEvent, Extract<GatewayEvent, { type: T }>>(child, (e) =>
        e.type === type ? (e as Extract<GatewayEvent, { type: T }>) : undefined,
      );
    // Listen before the events can arrive: a missed IPC message is not replayed.
    const startedEvent = event('started');
    const backfilledEvent = event('backfilled');
    const liveEvent = event('live');
    // If the gateway dies early, the later waits reject too; only the awaited one reports it.
    for (const later of [backfilledEvent, liveEvent]) later.catch(() => undefined);
    const started = await startedEvent;
    io.stdout.write(
      `tenantry demo: fake LLM on ${started.llmUrl}; backfilling ${backfillMs / MINUTE} min of traffic…\n`,
    );
    const backfilled = await backfilledEvent;
    io.stdout.write(
      `tenantry demo: backfilled ${backfilled.runs} runs in ${backfilled.seconds.toFixed(1)} s ` +
        `(${backfilled.failed} failed)\n`,
    );
    if (server !== undefined) {
      // The worker's last batch and the server's write queue need a moment to land.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      server.alerting.start();
    }
    await liveEvent;
    const dashboard = adminKey !== null ? `${endpoint}/?key=${adminKey}` : `${endpoint}/`;
    io.stdout.write(tourText(dashboard, adminKey, demoTenants(Date.now())));
    io.stdout.write(
      `tenantry demo: live traffic running ${durationMs !== undefined ? `for ${durationMs / 1000} s` : 'until Ctrl-C'}\n`,
    );
    await waitFor(durationMs, runOptions.signal);
    io.stdout.write('tenantry demo: stopping, flushing telemetry…\n');
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`tenantry demo: ${err.message}\n\n${HELP}`);
      return 2;
    }
    if (err instanceof TenantryError) {
      io.stderr.write(`tenantry demo: ${err.code}: ${err.message}\n`);
      return 1;
    }
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      io.stderr.write(
        `tenantry demo: ${(err as Error).message}; pick another --port (0 = any free)\n`,
      );
      return 1;
    }
    throw err;
  } finally {
    if (gateway?.connected) {
      const stopped = nextMessage<GatewayEvent, { runs: number; failed: number }>(gateway, (e) =>
        e.type === 'stopped' ? e : undefined,
      ).catch(() => undefined);
      gateway.send({ type: 'stop' });
      stats = await stopped;
    }
    await server?.close();
    if (stats !== undefined) {
      io.stdout.write(`tenantry demo: done, ${stats.runs} runs (${stats.failed} failed)\n`);
    }
  }
}

/** An absolute http(s) URL; the server's config would refuse anything else less clearly. */
function webhookFlag(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--webhook must be an http:// or https:// URL, got '${value}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--webhook must be an http:// or https:// URL, got '${value}'`);
  }
  return value;
}

/** `20s`, `5m`, `1h` or plain milliseconds. */
function durationFlag(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  if (!m) throw new UsageError(`--${name} must be a duration like 20s, 5m or 1h, got '${value}'`);
  const unit = { ms: 1, s: 1000, m: MINUTE, h: 60 * MINUTE }[m[2] ?? 'ms'] ?? 1;
  return Number(m[1]) * unit;
}

function waitFor(durationMs: number | undefined, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = durationMs !== undefined ? setTimeout(done, durationMs) : undefined;
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
    if (signal?.aborted) done();
    else signal?.addEventListener('abort', done);
  });
}
