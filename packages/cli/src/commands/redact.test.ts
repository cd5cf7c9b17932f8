import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from './redact.js';

async function cli(args: string[], stdin: string) {
  const io = { stdin: new PassThrough(), stdout: new PassThrough(), stderr: new PassThrough() };
  let out = '';
  let err = '';
  io.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  io.stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  io.stdin.end(stdin);
  const code = await run(args, io);
  return { code, out, err };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tenantry-redact-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('tenantry redact', () => {
  it('redacts text read from stdin', async () => {
    const r = await cli([], 'mail jane@example.com, card 4111 1111 1111 1111\n');
    expect(r).toEqual({
      code: 0,
      out: 'mail [REDACTED:EMAIL], card [REDACTED:CREDIT_CARD]\n',
      err: '',
    });
  });

  it('redacts JSON as JSON, sensitive keys included, and keeps compact input compact', async () => {
    const r = await cli([], '{"user":"jane@example.com","password":"hunter2","n":1}');
    expect(r.code).toBe(0);
    expect(r.out).toBe('{"user":"[REDACTED:EMAIL]","password":"[REDACTED:SENSITIVE_KEY]","n":1}\n');
  });

  it('treats JSON as text with --text', async () => {
    const r = await cli(['--text'], '{"password":"hunter2"}');
    expect(r.out).toBe('{"password":"[REDACTED:CREDENTIAL]"}');
  });

  it('applies a YAML policy and a tenant override, and prints findings to stderr', async () => {
    const file = join(dir, 'policy.yaml');
    await writeFile(
      file,
      'actions:\n  EMAIL: mask\ntenants:\n  acme:\n    actions:\n      EMAIL: drop\n',
    );
    const base = await cli(['--policy', file, '--findings'], 'to jane.doe@example.com');
    expect(base.out).toBe('to ****.com');
    expect(base.err).toBe('{"EMAIL":1}\n');
    const acme = await cli(['--policy', file, '--tenant', 'acme'], 'to jane.doe@example.com');
    expect(acme.out).toBe('to ');
  });

  it('redacts input longer than the library default string limit whole', async () => {
    const text = `${'x'.repeat(100_000)} jane@example.com`;
    const r = await cli([], text);
    expect(r.out).toBe(`${'x'.repeat(100_000)} [REDACTED:EMAIL]`);
  });

  it('exits 2 with the field named when the policy is invalid', async () => {
    const file = join(dir, 'bad.json');
    await writeFile(file, JSON.stringify({ actions: { EMAIL: 'erase' } }));
    const r = await cli(['--policy', file], 'x');
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toContain('policy.actions.EMAIL: expected one of redact');
    expect(r.err).toContain('TENANTRY_E_INVALID_POLICY');
  });

  it('exits 2 when the policy file is missing or not parseable', async () => {
    const missing = await cli(['--policy', join(dir, 'nope.json')], 'x');
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('cannot read policy file');
    const file = join(dir, 'broken.yaml');
    await writeFile(file, 'actions: [unclosed');
    const broken = await cli(['--policy', file], 'x');
    expect(broken.code).toBe(2);
    expect(broken.err).toContain('is not valid YAML');
  });

  it('exits 2 on an unknown flag', async () => {
    const r = await cli(['--nope'], 'x');
    expect(r.code).toBe(2);
    expect(r.err).toContain('usage: tenantry redact');
  });
});
