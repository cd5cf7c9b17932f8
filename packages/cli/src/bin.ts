#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node --max-semi-space-size=32 --initial-old-space-size=256
// Why the flags and the environment (read only at start-up: v8.setFlagsFromString is too late for
// the heap's sizes, and glibc reads its variable before Node runs; docs/scaling.md has the runs):
// - --max-semi-space-size=32: ingest holds rows in memory for up to one journal flush (250 ms),
//   long enough to survive V8's young-generation collections at the default 16 MB semi-space and
//   be promoted to the old generation. At 64 MB fewer did, before the ingest workers (14.0 vs 15.2
//   µs of event loop a span, 7 pairs). With the workers, rows reach the event loop as columns
//   outside its heap, and 32 MB used less CPU in 5 of 6 alternating pairs (means 15.62 against
//   16.08 µs a span with the tenant on roots only, 14.93 against 15.06 on every span).
// - --initial-old-space-size=256: V8 starts marking the old generation once the room left under
//   its limit is less than the young generation. The event loop keeps about 30 MB live, and the
//   limit V8 derived from that (83-112 MB) left less room than the 64 MB semi-spaces of the time,
//   so it marked the whole heap every 250-400 ms under load; from 256 MB it marks only for the
//   request buffers' external memory (every ~0.8 s). In 5 alternating pairs of ingest runs: 7
//   mark-compacts against 11-17, less CPU in every pair (15.5-15.9 against 15.9-19.2 µs a span),
//   the same RSS.
// - MALLOC_ARENA_MAX=2: DuckDB's threads, the ingest workers and libuv's pool each got a malloc
//   arena of their own, and memory freed in one stayed mapped for it. Peak RSS over 2,400
//   requests: 893-946 against 952-1,030 MiB (tenant on every span, 4 alternating pairs), 888-980
//   against 1,021-1,116 (roots only, 2 pairs); CPU a span within the runs' noise (+0.5 and -0.5 µs,
//   means). It replaces a value the environment had: set both yourself to run `node dist/bin.js`.
import type { CliIo } from './io.js';

type Command = { run(args: string[], io: CliIo): Promise<number> };

/** The allow-list of commands; each lives in commands/<name>.ts. */
const COMMANDS: Record<string, { load: () => Promise<Command>; summary: string }> = {
  up: {
    load: () => import('./commands/up.js'),
    summary: 'start the server (OTLP ingest, API, dashboard)',
  },
  keys: { load: () => import('./commands/keys.js'), summary: 'create, list and revoke API keys' },
  query: {
    load: () => import('./commands/query.js'),
    summary: 'query runs, traces, logs and tenants',
  },
  why: {
    load: () => import('./commands/why.js'),
    summary: "what a tenant's failing runs share and what changed",
  },
  events: {
    load: () => import('./commands/events.js'),
    summary: 'mark deploys and config changes; list them',
  },
  doctor: { load: () => import('./commands/doctor.js'), summary: 'find propagation mistakes' },
  redact: {
    load: () => import('./commands/redact.js'),
    summary: 'redact PII and secrets from text or JSON on stdin',
  },
  demo: { load: () => import('./commands/demo.js'), summary: 'run a live multi-tenant demo' },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(8)} ${c.summary}`);
  return `usage: tenantry <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nRun 'tenantry <command> --help' for a command's options.\n`;
}

async function main(argv: string[]): Promise<number> {
  const io: CliIo = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(usage());
    return name ? 0 : 2;
  }
  const entry = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!entry) {
    io.stderr.write(`tenantry: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  const command = await entry.load();
  return command.run(rest, io);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`tenantry: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
