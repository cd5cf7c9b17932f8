/**
 * The executable-docs harness: code blocks are read from the Markdown itself (never copied into a
 * test), and run through a `Product`, which says how a user gets tenantry. `sourceProduct` runs
 * this checkout (the CLI through tsx, the SDK from its build); `packedProduct()` the packed
 * packages installed from their tarballs (`npx tenantry`), with the same two methods.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePolicy } from '@tenantry/redact';
import { parseAlertsSection } from '../../packages/server/src/alerts/section.js';
import { loadConfig, type TenantryConfig } from '../../packages/server/src/config/config.js';
import { packedInstall, spawnIn } from '../packaging/install.js';
import { ensureSdkBuilt } from './examples.js';
import { type CliProcess, REPO_ROOT, spawnCli } from './process.js';

export interface CodeBlock {
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  code: string;
  /** The nearest heading above the block. */
  heading: string;
}

/** Every fenced block of a Markdown file under the repo, in order. */
export function codeBlocks(relPath: string): CodeBlock[] {
  const lines = readFileSync(join(REPO_ROOT, relPath), 'utf8').split('\n');
  const blocks: CodeBlock[] = [];
  let heading = '';
  for (let i = 0; i < lines.length; i++) {
    const h = lines[i]!.match(/^#{1,6}\s+(.*)$/);
    if (h) heading = h[1]!;
    const open = lines[i]!.match(/^(\s*)```(\S*)\s*$/);
    if (!open) continue;
    const indent = open[1]!.length;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !/^\s*```\s*$/.test(lines[j]!); j++)
      body.push(lines[j]!.slice(indent));
    blocks.push({ file: relPath, line: i + 1, lang: open[2]!, code: body.join('\n'), heading });
    i = j;
  }
  return blocks;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface Product {
  /** Runs the `tenantry` command as `npx tenantry <args>` would. */
  cli(args: string[], env?: NodeJS.ProcessEnv): CliProcess;
  /** Runs an ES module snippet with plain node, where `@tenantry/sdk` resolves to the product. */
  node(source: string, env?: NodeJS.ProcessEnv): Promise<RunResult>;
}

/** This checkout: the CLI from source, the SDK as built (`npm run build` or built here once). */
export const sourceProduct: Product = {
  cli: (args, env = {}) => spawnCli(args, env),
  node(source, env = {}) {
    ensureSdkBuilt();
    // Inside the repo, so bare imports resolve through its node_modules (the workspace links).
    const dir = join(REPO_ROOT, 'node_modules', '.cache', 'tenantry-docs');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${createHash('sha1').update(source).digest('hex').slice(0, 12)}.mjs`);
    writeFileSync(file, source);
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [file],
        { cwd: REPO_ROOT, env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: '', ...env } },
        (err, stdout, stderr) =>
          resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
  },
};

/**
 * The packed product: every public package packed and installed from its tarball into an empty
 * directory outside the repository (test/packaging/install.ts), as a registry user gets it. The
 * CLI runs as `npx tenantry`, snippets run from a fresh directory inside that install, so bare
 * imports resolve to the installed packages only.
 */
export async function packedProduct(): Promise<Product> {
  const { dir } = await packedInstall();
  const clean = { OTEL_EXPORTER_OTLP_ENDPOINT: '', npm_config_update_notifier: 'false' };
  return {
    cli: (args, env = {}) =>
      spawnIn(dir, 'npx', ['--no-install', 'tenantry', ...args], { ...clean, ...env }),
    node(source, env = {}) {
      const cwd = mkdtempSync(join(dir, 'snippet-'));
      writeFileSync(join(cwd, 'snippet.mjs'), source);
      return new Promise((resolve) => {
        execFile(
          process.execPath,
          ['snippet.mjs'],
          { cwd, env: { ...process.env, ...clean, ...env } },
          (err, stdout, stderr) =>
            resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        );
      });
    },
  };
}

/**
 * `npx tenantry …` lines of a shell block (comments and continuations removed), as argv arrays
 * with `$VARS` replaced from `vars`.
 */
export function tenantryCommands(code: string, vars: Record<string, string>): string[][] {
  const out: string[][] = [];
  for (const raw of code.replace(/\\\n/g, ' ').split('\n')) {
    const line = raw.replace(/\s+#.*$/, '').trim();
    const m = line.match(/^(?:npx\s+)?tenantry\s+(.*)$/);
    if (!m) continue;
    const args = [...m[1]!.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map(
      (a) => a[1] ?? a[2] ?? a[3]!,
    );
    out.push(args.map((a) => a.replace(/\$([A-Z_]+)/g, (_, v: string) => vars[v] ?? `$${v}`)));
  }
  return out;
}

export function exitOf(p: CliProcess): Promise<number | null> {
  return p.exited;
}

/**
 * Which blocks of some docs a test file has run or says it does not run, and why. `take` marks a
 * block as run by the test that takes it; `notRun` names the others with their reason;
 * `uncovered()` is what is left, which the file's last test expects to be empty, so a block added
 * to a doc later fails until it is run or given a reason.
 */
export class DocCoverage {
  private readonly blocks: CodeBlock[];
  private readonly covered = new Set<CodeBlock>();

  constructor(files: string[], notRun: Array<{ file: string; starts: string; why: string }> = []) {
    this.blocks = files.flatMap((f) => codeBlocks(f));
    for (const n of notRun) {
      if (n.why.trim() === '') throw new Error(`${n.file}: say why "${n.starts}" is not run`);
      // A reason covers every block it matches (the same bench command shown twice, say).
      const found = this.blocks.filter((b) => b.file === n.file && b.code.startsWith(n.starts));
      if (found.length === 0) throw new Error(`no block of ${n.file} starts with ${n.starts}`);
      for (const b of found) this.covered.add(b);
    }
  }

  /** The one block of `file` whose code starts with `starts`, marked as covered. */
  take(file: string, starts: string): CodeBlock {
    const found = this.blocks.filter((b) => b.file === file && b.code.startsWith(starts));
    if (found.length !== 1) {
      throw new Error(`${found.length} blocks of ${file} start with ${JSON.stringify(starts)}`);
    }
    this.covered.add(found[0]!);
    return found[0]!;
  }

  /** `file:line (heading)` of every block neither taken nor listed. */
  uncovered(): string[] {
    return this.blocks
      .filter((b) => !this.covered.has(b))
      .map((b) => `${b.file}:${b.line} (${b.heading})`);
  }
}

/** One command of a shell block: its argv and the variables set for it (`export`ed or prefixed). */
export interface ShellCommand {
  env: Record<string, string>;
  argv: string[];
}

/**
 * The commands of a shell block as a user's shell would run them, in order: comments and line
 * continuations removed, `export A=1 B=2` kept for the following commands, `A=1 cmd` for one,
 * quotes removed and `$VARS` replaced from `vars`. A block of assignments only (an env file) gives
 * one command with an empty argv.
 */
export function shellCommands(code: string, vars: Record<string, string> = {}): ShellCommand[] {
  const exported: Record<string, string> = {};
  const out: ShellCommand[] = [];
  let pendingEnv: Record<string, string> = {};
  const sub = (s: string) => s.replace(/\$([A-Z_]+)/g, (_, v: string) => vars[v] ?? `$${v}`);
  for (const raw of code.replace(/\\\n/g, ' ').split('\n')) {
    const line = raw.replace(/(^|\s+)#.*$/, '').trim();
    if (!line) continue;
    const words = [...line.matchAll(/(?:[^\s"']+|"[^"]*"|'[^']*')+/g)].map((w) =>
      sub(w[0].replace(/"([^"]*)"|'([^']*)'/g, (_, d?: string, s?: string) => d ?? s ?? '')),
    );
    const isExport = words[0] === 'export';
    const env: Record<string, string> = {};
    let i = isExport ? 1 : 0;
    for (; i < words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i]!); i++) {
      const eq = words[i]!.indexOf('=');
      env[words[i]!.slice(0, eq)] = words[i]!.slice(eq + 1);
    }
    if (isExport) Object.assign(exported, env);
    else if (i === words.length) pendingEnv = { ...pendingEnv, ...env };
    else out.push({ env: { ...exported, ...env }, argv: words.slice(i) });
  }
  if (Object.keys(pendingEnv).length > 0) out.push({ env: pendingEnv, argv: [] });
  return out;
}

/**
 * A tenantry.yaml block read as `tenantry up --config <file>` reads it (with only the TENANTRY_*
 * variables given),
 * then validated the way the server validates at start what the schema leaves to others: the
 * `alerts:` section with the alert rule parser and `redaction.policy` with @tenantry/redact's
 * parsePolicy. Throws the server's own error (TENANTRY_E_INVALID_CONFIG / _INVALID_RULE / policy).
 */
export function loadDocConfig(yaml: string, env: NodeJS.ProcessEnv = {}): TenantryConfig {
  const dir = mkdtempSync(join(tmpdir(), 'tenantry-doc-config-'));
  try {
    const file = join(dir, 'tenantry.yaml');
    writeFileSync(file, yaml);
    const config = loadConfig({ file, fileIsExplicit: true, env });
    parseAlertsSection(config.alerts);
    if (config.redaction.policy) parsePolicy(config.redaction.policy);
    return config;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
