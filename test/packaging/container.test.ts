import { execFile, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { loadConfig } from '../../packages/server/src/config/config.js';
import { REPO_ROOT } from '../helpers/process.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * deploy/container: no container engine can pull a base image here (no image registry is
 * reachable), so the image is not built and the compose file is not run in this suite. What can be
 * checked without one is: the Dockerfile's shape (stages, user, health check, volume), its health
 * check command against a real server, the compose file through docker-compose's own parser, its
 * settings through tenantry's config loader, and its cluster layout against test/multinode's.
 */
const DIR = join(REPO_ROOT, 'deploy', 'container');
const dockerfile = readFileSync(join(DIR, 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
const instructions = dockerfile
  .split('\n')
  .filter((l) => /^[A-Z]+\s/.test(l))
  .map((l) => ({ op: l.split(/\s/, 1)[0]!, arg: l.slice(l.indexOf(' ') + 1).trim() }));
const runtime = instructions.slice(instructions.findLastIndex((i) => i.op === 'FROM'));
const arg = (op: string) => runtime.find((i) => i.op === op)?.arg;

interface ComposeService {
  image?: string;
  environment?: Record<string, string>;
  volumes?: string[];
  healthcheck?: { test: string[] };
}
const compose = parseYaml(readFileSync(join(DIR, 'compose.yaml'), 'utf8')) as {
  services: Record<string, ComposeService>;
};
const tenantry = compose.services.tenantry!;

describe('the container image definition', () => {
  it('builds in stages and runs as an unprivileged user with the data directory as a volume', () => {
    expect(instructions.filter((i) => i.op === 'FROM').length).toBeGreaterThanOrEqual(2);
    expect(arg('USER')).toMatch(/^[1-9]\d*:[1-9]\d*$/);
    const dataDir = /TENANTRY_DATA_DIR=(\S+)/.exec(arg('ENV') ?? '')?.[1];
    expect(dataDir).toBe('/var/lib/tenantry');
    expect(JSON.parse(arg('VOLUME')!)).toEqual([dataDir]);
    expect(JSON.parse(arg('ENTRYPOINT')!)).toEqual(['/opt/tenantry/node_modules/.bin/tenantry']);
    // Everything the build stage copies from the context exists and is not ignored.
    const ignored = readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8');
    for (const copy of instructions.filter((i) => i.op === 'COPY' && !i.arg.startsWith('--from'))) {
      for (const src of copy.arg.split(/\s+/).slice(0, -1)) {
        expect(existsSync(join(REPO_ROOT, src)), src).toBe(true);
        expect(ignored.split('\n'), src).not.toContain(src.replace(/\/$/, ''));
      }
    }
  });

  describe('its health check command', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer({ alerts: false });
    });
    afterAll(() => server.stop());
    const check = JSON.parse(/HEALTHCHECK .*?CMD (\[.*\])/.exec(dockerfile)![1]!) as string[];
    // Asynchronously: the server answers from this process.
    const run = (port: string) =>
      new Promise<number | null>((resolve) => {
        const bin = check[0] === 'node' ? process.execPath : check[0]!;
        const env = { ...process.env, TENANTRY_PORT: port };
        execFile(bin, check.slice(1), { env, timeout: 10_000 }, (err) =>
          resolve(err ? ((err as { code?: number }).code ?? null) : 0),
        );
      });

    it('passes against a running server and fails when nothing listens', async () => {
      expect(await run(new URL(server.url).port)).toBe(0);
      expect(await run('9')).toBe(1);
    });
  });
});

describe('the compose file', () => {
  it('parses with docker-compose (Compose file format)', () => {
    const r = spawnSync('docker-compose', ['-f', join(DIR, 'compose.yaml'), 'config', '-q'], {
      encoding: 'utf8',
    });
    if (r.error)
      throw new Error('docker-compose not found: scripts/install-test-deps.sh installs it');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it("gives tenantry settings its config loader accepts: ClickHouse on both shards' nodes", () => {
    const config = loadConfig({
      file: join(DIR, 'tenantry.yaml'),
      fileIsExplicit: true,
      env: tenantry.environment!,
    });
    expect(config.storage.engine).toBe('clickhouse');
    expect(config.storage.clickhouse).toMatchObject({
      cluster: 'tenantry',
      url: 'http://clickhouse-1:8123,http://clickhouse-2:8123',
      database: 'tenantry',
    });
    expect(tenantry.volumes).toContain('tenantry-data:/var/lib/tenantry');
  });

  it("declares test/multinode's layout: two shards of one replica, on every node", () => {
    const xml = readFileSync(join(DIR, 'clickhouse', 'cluster.xml'), 'utf8');
    const cluster = /<remote_servers>\s*<(\w+)>([\s\S]*?)<\/\1>/.exec(xml)!;
    expect(cluster[1]).toBe(tenantry.environment!.TENANTRY_CLICKHOUSE_CLUSTER);
    const shards = [...cluster[2]!.matchAll(/<shard>([\s\S]*?)<\/shard>/g)].map((s) =>
      [...s[1]!.matchAll(/<host>([^<]+)<\/host>/g)].map((h) => h[1]),
    );
    // startClickHouseCluster() in test/helpers/clickhouse.ts: 2 shards, one replica each.
    const helper = readFileSync(join(REPO_ROOT, 'test/helpers/clickhouse.ts'), 'utf8');
    expect(helper).toMatch(/startClickHouseCluster\(\s*shards = 2,/);
    expect(helper).toContain('<shard><replica><host>');
    expect(shards).toEqual([['clickhouse-1'], ['clickhouse-2']]);
    for (const node of ['clickhouse-1', 'clickhouse-2']) {
      expect(compose.services[node]!.volumes).toContain(
        './clickhouse/cluster.xml:/etc/clickhouse-server/config.d/cluster.xml:ro',
      );
    }
  });
});
