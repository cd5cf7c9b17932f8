import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnCli } from '../../../../test/helpers/process.js';

const dataDir = mkdtempSync(join(tmpdir(), 'tenantry-first-start-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function occupy(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ server, port: typeof address === 'object' && address ? address.port : 0 });
    });
  });
}

async function whoami(url: string, key: string): Promise<number> {
  return (await fetch(`${url}/api/v1/whoami`, { headers: { authorization: `Bearer ${key}` } }))
    .status;
}

describe('a first start never locks the user out', () => {
  it('creates no key when the port is taken, then prints them on the first start that listens', async () => {
    const taken = await occupy();
    const failed = spawnCli(['up', '--port', String(taken.port), '--data-dir', dataDir]);
    expect(await failed.exited).toBe(1);
    taken.server.close();
    expect(failed.output()).toContain('TENANTRY_E_ADDRESS_IN_USE');
    expect(failed.output()).toContain('stop it or pass --port. No key was created');

    const first = spawnCli(['up', '--port', '0', '--data-dir', dataDir]);
    const [, url] = await first.waitFor(/listening on (http:\/\/[\d.:]+)/);
    const [, admin] = await first.waitFor(/admin key:\s+(tnt_\S+)/);
    expect(await whoami(url!, admin!)).toBe(200);

    // The data dir is the server's while it runs: offline key creation says so.
    const busy = spawnCli(['keys', 'create', '--admin', '--data-dir', dataDir]);
    expect(await busy.exited).toBe(1);
    expect(busy.output()).toContain('TENANTRY_E_DATA_DIR_BUSY');
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
  });

  it('makes a working admin key offline on the data dir when none is known', async () => {
    const made = spawnCli(['keys', 'create', '--admin', '--data-dir', dataDir]);
    expect(await made.exited).toBe(0);
    const [, secret] = made.output().match(/secret \(shown once\): (tnt_\S+)/) ?? [];
    const listed = spawnCli(['keys', 'list', '--data-dir', dataDir, '--json']);
    expect(await listed.exited).toBe(0);
    const kinds = (JSON.parse(listed.output()) as Array<{ kind: string }>).map((k) => k.kind);
    expect(kinds.sort()).toEqual(['admin', 'admin', 'ingest']);

    const again = spawnCli(['up', '--port', '0', '--data-dir', dataDir]);
    const [, url] = await again.waitFor(/listening on (http:\/\/[\d.:]+)/);
    await again.waitFor(/tenantry keys create --admin --data-dir/);
    expect(again.output()).not.toContain('admin key:');
    expect(await whoami(url!, secret!)).toBe(200);
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);
  });
});
