import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/process.js';
import { spawnIn, stopUnderNpx } from './install.js';

/**
 * `npx tenantry …` in a clone after `npm ci` and `npm run build`, as the README says. npm links a
 * bin at install time only if its file exists then, so the bin must be a committed, executable
 * file, not the build's output.
 */
const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'packages/cli/package.json'), 'utf8')) as {
  bin: Record<string, string>;
};

describe('npx tenantry in this checkout', () => {
  it("links the bin npm ci saw: a committed executable file, not the build's output", () => {
    const bin = `packages/cli/${manifest.bin.tenantry}`;
    const staged = execFileSync('git', ['ls-files', '-s', bin], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    });
    expect(staged).toMatch(/^100755 /);
    expect(realpathSync(join(REPO_ROOT, 'node_modules/.bin/tenantry'))).toBe(join(REPO_ROOT, bin));
  });

  it('npx tenantry up serves the dashboard built by npm run build', async () => {
    const data = mkdtempSync(join(tmpdir(), 'tenantry-npx-'));
    const up = spawnIn(REPO_ROOT, 'npx', [
      '--no-install',
      'tenantry',
      'up',
      '--port',
      '0',
      '--data-dir',
      data,
    ]);
    try {
      const url = (await up.waitFor(/listening on (http:\/\/\S+)/, 60_000))[1]!;
      const home = await fetch(`${url}/`);
      expect(home.status).toBe(200);
      expect(await home.text()).toContain('<div id="root">');
    } finally {
      expect(await stopUnderNpx(up)).toBe(0);
      rmSync(data, { recursive: true, force: true });
    }
  });
});
