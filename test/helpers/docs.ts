/**
 * The executable-docs harness: code blocks are read from the Markdown itself (never copied into a
 * test), and run through a `Product`, which says how a user gets tenantry. `sourceProduct` runs
 * this checkout (the CLI through tsx, the SDK from its build); an install from packed packages
 * (`npx tenantry`) is another Product with the same two methods.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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
