#!/usr/bin/env node
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
