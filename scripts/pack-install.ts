/**
 * Packs every public package and installs the tarballs into an empty directory, as a user who
 * got them from a registry would, with no network: the dependencies come from the npm cache that
 * `npm ci` filled. A registry install resolves names through the registry's metadata, which the
 * cache does not hold after `npm ci` (it fetches by lockfile), so the install directory gets a
 * lockfile made from this repo's: the tarballs, plus exactly the dependency closure they need, at
 * the versions the repo tests (the same tree a user gets today, since every dependency is pinned).
 *
 *   node --import tsx scripts/pack-install.ts <empty dir>     # after `npm run build`
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../', import.meta.url));
/** Workspace directory → package name, for every package a user installs. */
export const PUBLIC_PACKAGES: Record<string, string> = {
  redact: '@tenantry/redact',
  sdk: '@tenantry/sdk',
  server: '@tenantry/server',
  cli: 'tenantry',
};

interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  link?: boolean;
  dev?: boolean;
  optional?: boolean;
  os?: string[];
  cpu?: string[];
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  [key: string]: unknown;
}

export interface Tarball {
  name: string;
  dir: string;
  file: string;
  bytes: number;
}

/** `npm pack` of each public package into `dest` (runs the server's prepack: the dashboard). */
export function packAll(dest: string): Tarball[] {
  mkdirSync(dest, { recursive: true });
  const args = ['pack', '--json', '--pack-destination', dest];
  for (const name of Object.values(PUBLIC_PACKAGES)) args.push('-w', name);
  const out = execFileSync('npm', args, { cwd: REPO, encoding: 'utf8', stdio: 'pipe' });
  const packed = JSON.parse(out) as Array<{ name: string; filename: string }>;
  return packed.map((p) => {
    const dir = Object.keys(PUBLIC_PACKAGES).find((d) => PUBLIC_PACKAGES[d] === p.name)!;
    const file = join(dest, p.filename);
    return { name: p.name, dir, file, bytes: statSync(file).size };
  });
}

/** Where Node would find `dep` required from the lock location `from` (walking up). */
function locate(lock: Record<string, LockEntry>, from: string, dep: string): string | undefined {
  let base = from;
  for (;;) {
    const key = base ? `${base}/node_modules/${dep}` : `node_modules/${dep}`;
    if (lock[key]) return key;
    if (!base) return undefined;
    const i = base.lastIndexOf('/node_modules/');
    base = i >= 0 ? base.slice(0, i) : '';
  }
}

/** What a lockfile entry says of a package, as its package.json says it now. */
function fromManifest(dir: string): LockEntry {
  const pkg = JSON.parse(readFileSync(join(REPO, 'packages', dir, 'package.json'), 'utf8'));
  const { version, license, engines, bin, dependencies } = pkg as LockEntry;
  return { version, license, engines, bin, dependencies };
}

/** The app's lockfile: the tarballs at the top, the repo's entries for everything they need. */
export function installLock(tarballs: Tarball[], appDir: string): object {
  const repoLock = JSON.parse(readFileSync(join(REPO, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockEntry>;
  };
  const lock = repoLock.packages;
  const mapped: Record<string, LockEntry> = {};
  const byDir = new Map(tarballs.map((t) => [t.dir, t]));
  /** A repo lock key → the same package's key in the app. */
  const target = (key: string): string => {
    const m = key.match(/^packages\/([^/]+)(.*)$/);
    if (!m) return key;
    const t = byDir.get(m[1]!);
    if (!t) throw new Error(`${key}: not a public package`);
    return `node_modules/${t.name}${m[2]}`;
  };
  const visit = (key: string): void => {
    const to = target(key);
    if (mapped[to]) return;
    const entry = lock[key];
    if (!entry) throw new Error(`package-lock.json has no ${key}`);
    const { dev: _dev, link: _link, resolved: _resolved, ...rest } = entry;
    const tarball = byDir.get(key.replace(/^packages\//, ''));
    mapped[to] = tarball
      ? { ...rest, ...fromManifest(tarball.dir), resolved: `file:${tarball.file}` }
      : { ...rest, ...(entry.resolved ? { resolved: entry.resolved } : {}) };
    const deps = { ...entry.dependencies, ...entry.optionalDependencies };
    for (const [name, meta] of Object.entries(entry.peerDependencies ?? {})) {
      if (!entry.peerDependenciesMeta?.[name]?.optional) deps[name] = meta;
    }
    for (const dep of Object.keys(deps)) {
      const at = locate(lock, key, dep);
      if (!at) {
        if (entry.optionalDependencies?.[dep] || entry.peerDependencies?.[dep]) continue;
        throw new Error(`${key} needs ${dep}, which package-lock.json does not hold`);
      }
      const found = lock[at]!;
      // A workspace link at the top (node_modules/@tenantry/redact) is the tarball's package.
      visit(found.link ? found.resolved! : at);
    }
  };
  for (const t of tarballs) visit(`packages/${t.dir}`);
  const dependencies = Object.fromEntries(tarballs.map((t) => [t.name, `file:${t.file}`]));
  const root = { name: 'tenantry-packed-app', version: '0.0.0', dependencies };
  writeFileSync(join(appDir, 'package.json'), `${JSON.stringify({ ...root, private: true })}\n`);
  const out = { name: root.name, version: root.version, lockfileVersion: 3, requires: true };
  return { ...out, packages: { '': root, ...mapped } };
}

/** Packs, writes the app's package.json and lockfile, and runs `npm ci --offline` in `appDir`. */
export function packAndInstall(appDir: string, tarballDir = join(appDir, '..', 'tarballs')) {
  mkdirSync(appDir, { recursive: true });
  if (readdirSync(appDir).length > 0) throw new Error(`${appDir} is not empty`);
  const tarballs = packAll(resolve(tarballDir));
  const lock = installLock(tarballs, appDir);
  writeFileSync(join(appDir, 'package-lock.json'), `${JSON.stringify(lock, null, 2)}\n`);
  execFileSync('npm', ['ci', '--offline', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: appDir,
    stdio: 'pipe',
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });
  return tarballs;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2];
  if (!dir) {
    process.stderr.write('usage: node --import tsx scripts/pack-install.ts <empty dir>\n');
    process.exit(2);
  }
  for (const t of packAndInstall(resolve(dir))) {
    process.stdout.write(`${t.name.padEnd(18)} ${(t.bytes / 1024).toFixed(1)} kB\n`);
  }
}
