import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../../test/helpers/server.js';
import { captureIo } from '../io.test-helper.js';
import { run as events } from './events.js';

const io = captureIo;

describe('tenantry events', () => {
  let server: TestServer;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    server = await startTestServer({ alerts: false });
    env = { TENANTRY_URL: server.url, TENANTRY_ADMIN_KEY: server.adminKey };
  });
  afterAll(() => server.stop());

  it('creates a deploy marker for a tenant and lists it with the platform-wide ones', async () => {
    const created = io();
    const args = ['create', '--kind', 'deploy', '--title', 'support-platform 1.8.0'];
    expect(
      await events(
        [...args, '--tenant', 'cli-ev', '--service', 'support-platform', '--version', '1.8.0'],
        created,
        env,
      ),
    ).toBe(0);
    expect(created.out()).toMatch(
      /^created evt_[0-9a-f]{16}: deploy 'support-platform 1\.8\.0' at .+ for cli-ev\n$/,
    );
    const platform = io();
    expect(
      await events(
        ['create', '--kind', 'incident', '--title', 'provider outage', '--time', '10m'],
        platform,
        env,
      ),
    ).toBe(0);
    expect(platform.out()).toContain('for every tenant (platform-wide)');

    const listed = io();
    expect(await events(['list', '--tenant', 'cli-ev'], listed, env)).toBe(0);
    const lines = listed.out().trim().split('\n');
    expect(lines[0]).toMatch(/^time\s+kind\s+title/);
    expect(lines[1]).toMatch(
      /deploy\s+support-platform 1\.8\.0\s+support-platform\s+1\.8\.0\s+-\s+tenant/,
    );
    expect(lines[2]).toMatch(/incident\s+provider outage\s+-\s+-\s+-\s+platform/);

    const json = io();
    expect(await events(['list', '--tenant', 'other', '--json'], json, env)).toBe(0);
    const body = JSON.parse(json.out()) as { items: Array<{ title: string }> };
    expect(body.items.map((e) => e.title)).toEqual(['provider outage']);
  });

  it('creates an event with its own id once; a retry says it was already stored', async () => {
    const args = ['create', '--kind', 'deploy', '--title', 'api 3.1.0', '--tenant', 'cli-id'];
    const first = io();
    expect(await events([...args, '--id', 'pipeline-981'], first, env)).toBe(0);
    expect(first.out()).toMatch(/^created pipeline-981: deploy 'api 3\.1\.0' at .+ for cli-id\n$/);
    const retry = io();
    expect(await events([...args, '--id', 'pipeline-981'], retry, env)).toBe(0);
    expect(retry.out()).toMatch(/^already stored pipeline-981: deploy 'api 3\.1\.0'/);
    const listed = io();
    expect(await events(['list', '--tenant', 'cli-id', '--json'], listed, env)).toBe(0);
    const body = JSON.parse(listed.out()) as { items: Array<{ id: string; tenantId: string }> };
    expect(body.items.filter((e) => e.tenantId === 'cli-id').map((e) => e.id)).toEqual([
      'pipeline-981',
    ]);
  });

  it("writes with a tenant's bound ingest key, and only for that tenant", async () => {
    const key = await server.createKey('ingest', 'cli-ev');
    const bound = { TENANTRY_URL: server.url };
    const own = io();
    const args = ['create', '--kind', 'config_change', '--title', 'max_tokens 512', '--key', key];
    expect(await events([...args, '--attr', 'ticket=OPS-1'], own, bound)).toBe(0);
    expect(own.out()).toContain('for cli-ev');
    const other = io();
    expect(await events([...args, '--tenant', 'someone-else'], other, bound)).toBe(1);
    expect(other.err()).toContain('TENANTRY_E_NOT_FOUND');
  });

  it('names what is wrong: a missing title or tenant, an unknown kind, a bad attribute', async () => {
    const cases: Array<[string[], string]> = [
      [['create', '--kind', 'deploy'], '--title is required'],
      [['create', '--kind', 'reboot', '--title', 'x'], '--kind must be one of'],
      [['create', '--kind', 'deploy', '--title', 'x', '--attr', 'novalue'], '--attr must be'],
      [['list'], 'list needs --tenant'],
      [[], 'name a subcommand'],
    ];
    for (const [args, message] of cases) {
      const out = io();
      expect(await events(args, out, env)).toBe(2);
      expect(out.err()).toContain(message);
    }
    const server400 = io();
    const long = 'x'.repeat(201);
    expect(await events(['create', '--kind', 'deploy', '--title', long], server400, env)).toBe(1);
    expect(server400.err()).toContain('TENANTRY_E_INVALID_EVENT');
  });
});
