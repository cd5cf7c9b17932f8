/**
 * The packed product, installed once per test run: `npm pack` of every public package, installed
 * from the tarballs into an empty directory outside the repository with `npm ci --offline`
 * (scripts/pack-install.ts). Test files in other workers share the install through a lock.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PUBLIC_PACKAGES, packAndInstall, REPO, type Tarball } from '../../scripts/pack-install.js';
import type { CliProcess } from '../helpers/process.js';

export interface PackedInstall {
  /** The app directory: package.json, package-lock.json, node_modules from the tarballs. */
  dir: string;
  tarballs: Tarball[];
}

/** The newest build of any public package: a new build means a new install. */
function buildStamp(): string {
  const stamps = Object.keys(PUBLIC_PACKAGES).map((d) => {
    const f = join(REPO, 'packages', d, 'dist', 'index.js');
    const bin = join(REPO, 'packages', d, 'dist', 'bin.js');
    const file = existsSync(f) ? f : bin;
    if (!existsSync(file)) throw new Error(`packages/${d}/dist is missing: run npm run build`);
    const manifest = join(REPO, 'packages', d, 'package.json');
    const readme = join(REPO, 'packages', d, 'README.md');
    return Math.max(statSync(file).mtimeMs, statSync(manifest).mtimeMs, statSync(readme).mtimeMs);
  });
  const ui = join(REPO, 'packages', 'ui', 'dist', 'index.html');
  if (!existsSync(ui)) throw new Error('packages/ui/dist is missing: run npm run build');
  return String(Math.round(Math.max(...stamps, statSync(ui).mtimeMs)));
}

const ROOT = join(tmpdir(), `tenantry-packed-${process.getuid?.() ?? 0}`);

/** Runs `fn` alone among the test files that pack (prepack and postpack rewrite dist/ui). */
export async function withLock<T>(fn: () => T | Promise<T>): Promise<T> {
  const lock = `${ROOT}.lock`;
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock left by a killed run is stale after 3 minutes (an install takes seconds).
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 180_000)
        rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`${lock} held for 3 minutes`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Packs and installs, or reuses this build's install made by another test file. */
export function packedInstall(): Promise<PackedInstall> {
  return withLock(() => {
    const stamp = buildStamp();
    const done = join(ROOT, 'installed.json');
    if (existsSync(done)) {
      const prev = JSON.parse(readFileSync(done, 'utf8')) as PackedInstall & { stamp: string };
      if (prev.stamp === stamp && existsSync(join(prev.dir, 'node_modules'))) return prev;
    }
    rmSync(ROOT, { recursive: true, force: true });
    const dir = join(ROOT, 'app');
    const tarballs = packAndInstall(dir, join(ROOT, 'tarballs'));
    writeFileSync(done, JSON.stringify({ dir, tarballs, stamp }));
    return { dir, tarballs };
  });
}

/** A command run in `cwd`, with the output and exit of a `CliProcess`. */
export function spawnIn(
  cwd: string,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
  input = '',
): CliProcess {
  const child: ChildProcess = spawn(command, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (d: Buffer) => {
    out += d.toString();
    for (const l of listeners) l();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  child.stdin!.end(input);
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : null))),
  );
  return {
    child,
    output: () => out,
    exited,
    waitFor(pattern, ms = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = out.match(pattern);
          if (!m) return;
          listeners.delete(check);
          clearTimeout(timer);
          resolve(m);
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

/**
 * Sends SIGTERM to the `tenantry` process under `npx` (its deepest descendant), as Ctrl-C in a
 * terminal reaches it, and resolves with npx's exit code, which is the command's.
 */
export function stopUnderNpx(p: CliProcess): Promise<number | null> {
  let pid = p.child.pid!;
  for (;;) {
    let kids: string[] = [];
    try {
      kids = execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
        .trim()
        .split('\n');
    } catch {
      break; // pgrep exits 1 when there is no child
    }
    pid = Number(kids[0]);
  }
  process.kill(pid, 'SIGTERM');
  return p.exited;
}
