import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUBLIC_PACKAGES, REPO } from '../../scripts/pack-install.js';
import { withLock } from './install.js';

/**
 * `npm publish --dry-run` of every public package warns about nothing. npm asks its registry who
 * the user is even in a dry run, so a stand-in on the loopback answers that one question (nothing
 * is uploaded in a dry run) and 404 to the package look-up, as for a first publish.
 */
let registry: Server;
let url = '';

beforeAll(async () => {
  registry = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url?.includes('/-/whoami')) res.end('{"username":"tenantry"}');
    else {
      res.statusCode = 404;
      res.end('{"error":"not found"}');
    }
  });
  await new Promise<void>((resolve) => registry.listen(0, '127.0.0.1', resolve));
  const address = registry.address();
  url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;
});
afterAll(() => new Promise<void>((resolve) => registry.close(() => resolve())));

describe('npm publish --dry-run', () => {
  it.each(Object.entries(PUBLIC_PACKAGES))('of %s (%s) warns about nothing', async (dir) => {
    // Inside the lock: prepack/postpack of another packing test must not interleave.
    const result = await withLock(
      () =>
        new Promise<{ code: number | null; output: string }>((resolve) => {
          execFile(
            'npm',
            ['publish', '--dry-run', '--registry', url],
            {
              cwd: join(REPO, 'packages', dir),
              env: {
                ...process.env,
                [`npm_config_${url.replace(/^http:/, '')}:_authToken`]: 'dry-run',
              },
              maxBuffer: 16 * 1024 * 1024,
            },
            (err, stdout, stderr) =>
              resolve({
                code: err ? ((err as { code?: number }).code ?? 1) : 0,
                output: `${stdout}\n${stderr}`,
              }),
          );
        }),
    );
    const { output } = result;
    expect(result.code, output).toBe(0);
    expect(output.split('\n').filter((l) => /npm warn/i.test(l))).toEqual([]);
    expect(output).toMatch(/\+ \S+@\d+\.\d+\.\d+/);
  });
});
