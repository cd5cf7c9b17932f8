import { execFileSync, execSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../packages/server/src/storage/duckdb/schema.js';
import { exportSpans, recordRun, recordSpans, traceExporter } from '../helpers/otlp.js';
import { REPO_ROOT } from '../helpers/process.js';
import { type PackedInstall, packedInstall, spawnIn, stopUnderNpx } from './install.js';

/**
 * Upgrades keep data: a data directory written by the previous release opens with this build.
 * The previous release is the tag below (its commit as a fallback for clones without tags), run
 * from its own sources (git archive; this checkout's node_modules, which the release shares).
 * It commits one batch and stops cleanly, then acknowledges a second batch that only its ingest
 * journal holds (commits every 60 s, killed with SIGKILL). The packed product then opens the
 * directory: migrations run, both batches and the keys are there, the journal replays.
 * When a release changes dependencies, keep a data directory it made as a fixture instead.
 */
const PREVIOUS = { tag: 'v0.1.0', commit: '24b3382' };

let old: string;
let install: PackedInstall;
const work = mkdtempSync(join(tmpdir(), 'tenantry-upgrade-'));
const dataDir = join(work, 'data');

function previousRelease(): string {
  for (const ref of [PREVIOUS.tag, PREVIOUS.commit]) {
    try {
      execFileSync('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], {
        cwd: REPO_ROOT,
        stdio: 'pipe',
      });
      return ref;
    } catch {}
  }
  throw new Error(
    `neither ${PREVIOUS.tag} nor ${PREVIOUS.commit} is in this clone: git fetch --tags`,
  );
}

beforeAll(async () => {
  old = join(work, 'previous');
  mkdirSync(old);
  const ref = previousRelease();
  execSync(
    `git archive ${ref} package.json tsconfig.json tsconfig.base.json packages | tar -x -C ${old}`,
    {
      cwd: REPO_ROOT,
    },
  );
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(old, 'node_modules'));
  const nested = join(REPO_ROOT, 'packages/server/node_modules');
  if (existsSync(nested)) symlinkSync(nested, join(old, 'packages/server/node_modules'));
  install = await packedInstall();
}, 180_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The previous release's `tenantry up`, from its sources through tsx (its tsconfig paths). */
function oldUp(extra: string[] = []) {
  return spawnIn(old, process.execPath, [
    '--import',
    'tsx',
    'packages/cli/src/bin.ts',
    'up',
    '--port',
    '0',
    '--data-dir',
    dataDir,
    ...extra,
  ]);
}

async function send(url: string, key: string, tenant: string, runs: number): Promise<void> {
  const spans = await recordSpans((t) => {
    for (let i = 0; i < runs; i++) recordRun(t, { tenantId: tenant, tools: [{ name: 'lookup' }] });
  });
  const result = await exportSpans(traceExporter(url, key), spans);
  expect(result.code, String(result.error)).toBe(0);
}

describe(`a data directory written by ${PREVIOUS.tag}`, () => {
  it('opens with this build: migrations run, committed rows, journaled rows and keys are kept', async () => {
    // 1. The previous release: first start, keys, a committed batch, a clean stop.
    const first = oldUp();
    const url1 = (await first.waitFor(/listening on (http:\/\/\S+)/, 60_000))[1]!;
    const admin = (await first.waitFor(/admin key:\s+(tnt_\S+)/))[1]!;
    const ingest = (await first.waitFor(/platform ingest key:\s+(tnt_\S+)/))[1]!;
    const auth = (key: string) => ({ authorization: `Bearer ${key}` });
    const created = await fetch(`${url1}/api/v1/keys`, {
      method: 'POST',
      headers: { ...auth(admin), 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'read', tenantId: 'committed-co', name: 'reader' }),
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const reader = ((await created.json()) as { secret: string }).secret;
    await send(url1, ingest, 'committed-co', 5);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    // 2. The previous release again, committing rarely: acknowledged rows only in the journal.
    const config = join(work, 'slow-commit.yaml');
    writeFileSync(config, 'storage:\n  journal:\n    flushIntervalMs: 60000\n');
    const second = oldUp(['--config', config]);
    const url2 = (await second.waitFor(/listening on (http:\/\/\S+)/, 60_000))[1]!;
    await send(url2, ingest, 'journaled-co', 3);
    second.child.kill('SIGKILL');
    await second.exited;

    // 3. This build, as installed from the packed tarballs.
    const up = spawnIn(install.dir, 'npx', [
      '--no-install',
      'tenantry',
      'up',
      '--port',
      '0',
      '--data-dir',
      dataDir,
    ]);
    const url = (await up.waitFor(/listening on (http:\/\/\S+)/, 60_000))[1]!;
    expect(up.output()).toMatch(/ingest journal: replayed [1-9]\d* request/);
    expect(up.output()).not.toContain('First start');
    const runs = async (tenant: string, key: string) => {
      const res = await fetch(`${url}/api/v1/runs?tenant=${tenant}&limit=100`, {
        headers: auth(key),
      });
      expect(res.status).toBe(200);
      return ((await res.json()) as { items: unknown[] }).items.length;
    };
    expect(await runs('committed-co', admin)).toBe(5);
    expect(await runs('journaled-co', admin)).toBe(3);
    expect(await runs('committed-co', reader)).toBe(5);
    const foreign = await fetch(`${url}/api/v1/runs?tenant=journaled-co`, {
      headers: auth(reader),
    });
    expect(foreign.status).toBe(404);
    expect(await stopUnderNpx(up)).toBe(0);

    const db = await DuckDBInstance.create(join(dataDir, 'tenantry.duckdb'));
    const conn = await db.connect();
    const rows = (
      await conn.runAndReadAll('SELECT max(version) AS v FROM schema_migrations')
    ).getRowObjects();
    expect(Number(rows[0]!.v)).toBe(Math.max(...MIGRATIONS.map((m) => m.version)));
    conn.closeSync();
  }, 180_000);
});
