import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = fileURLToPath(new URL('../../packages/cli/src/bin.ts', import.meta.url));

export interface CliProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves with the first match of `pattern` in stdout+stderr (waits up to `ms`). */
  waitFor(pattern: RegExp, ms?: number): Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
}

/**
 * The environment and Node flags on the bin's shebang line (`env -S NAME=value … node flags…`), so
 * tests and benches run it as `tenantry` runs.
 */
const BIN_SHEBANG = readFileSync(BIN, 'utf8').split('\n', 1)[0]!;
const BIN_NODE_FLAGS =
  BIN_SHEBANG.match(/\bnode\s+(.+)$/)?.[1]
    ?.trim()
    .split(/\s+/) ?? [];
const BIN_ENV: NodeJS.ProcessEnv = Object.fromEntries(
  [...(BIN_SHEBANG.match(/-S\s+(.*?)\bnode\b/)?.[1] ?? '').matchAll(/(\w+)=(\S*)/g)].map((m) => [
    m[1]!,
    m[2]!,
  ]),
);

/** Runs the real `tenantry` command from source (through tsx) as a separate process. */
export function spawnCli(args: string[], env: NodeJS.ProcessEnv = {}): CliProcess {
  return spawnScript(BIN, args, { ...BIN_ENV, ...env }, BIN_NODE_FLAGS);
}

/** What a first `tenantry up` prints once it listens: its URL and the keys it made. */
export async function serverStarted(
  server: CliProcess,
  ms?: number,
): Promise<{ url: string; adminKey: string; ingestKey: string }> {
  const [, url] = await server.waitFor(/listening on (http:\/\/[\d.:]+)/, ms);
  const [, adminKey] = await server.waitFor(/admin key:\s+(tnt_\S+)/);
  const [, ingestKey] = await server.waitFor(/platform ingest key:\s+(tnt_\S+)/);
  return { url: url!, adminKey: adminKey!, ingestKey: ingestKey! };
}

/** Runs a TypeScript file (through tsx) as a separate process. */
export function spawnScript(
  path: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
  nodeFlags: string[] = [],
): CliProcess {
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', path, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (d: Buffer) => {
    out += d.toString();
    for (const l of listeners) l();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    output: () => out,
    exited,
    waitFor(pattern, ms = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = out.match(pattern);
          if (m) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve(m);
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`timed out waiting for ${pattern}; output so far:\n${out}`));
        }, ms);
        listeners.add(check);
        check();
      });
    },
  };
}
