import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** promtool is installed by the project's test setup (Debian `prometheus`); without it this fails loudly. */
const PROMTOOL = process.env.PROMTOOL ?? '/usr/bin/promtool';
const dir = fileURLToPath(new URL('.', import.meta.url));

function promtool(...args: string[]) {
  const res = spawnSync(PROMTOOL, args, { cwd: dir, encoding: 'utf8' });
  if (res.error) throw new Error(`cannot run ${PROMTOOL}: ${res.error.message}`);
  return { code: res.status, output: `${res.stdout}${res.stderr}` };
}

describe('deploy/prometheus rules', () => {
  it('pass promtool check rules', () => {
    const r = promtool('check', 'rules', 'rules.yml');
    expect(r.output).toContain('SUCCESS');
    expect(r.code).toBe(0);
  });

  it('pass promtool test rules: B fires after for, min_runs, token anomaly, runaway and ingest throttling scenarios', () => {
    const r = promtool('test', 'rules', 'rules.test.yml');
    expect(r.output).toContain('SUCCESS');
    expect(r.code).toBe(0);
  });
});
