import Fastify, { type FastifyRequest } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../../test/helpers/server.js';
import { UnauthenticatedError } from '../errors.js';
import type { Principal } from './principal.js';
import { ReadAhead } from './read-ahead.js';

describe('reads beside the key check, on the real server', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ alerts: false });
  });
  afterAll(() => server.stop());

  it('refuses a revoked key on its very next read, with none of the data', async () => {
    const key = await server.createKey('read', 'ahead');
    expect((await server.api('/api/v1/whoami', key)).body).toMatchObject({ tenantId: 'ahead' });
    // Known now: the next reads go ahead of their check.
    expect((await server.api('/api/v1/tenants', key)).status).toBe(200);
    await server.revokeKeyOf('ahead');
    for (const path of [
      '/api/v1/whoami',
      '/api/v1/tenants',
      '/api/v1/traces/00000000000000000000000000000001',
    ]) {
      const res = await server.api(path, key);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({
        error: { code: 'TENANTRY_E_UNAUTHENTICATED', message: 'unknown or revoked API key' },
      });
    }
  });
});

describe('ReadAhead', () => {
  const principal: Principal = { keyId: 'k1', kind: 'read', tenantId: 't1' };
  /** An authenticator whose answers the test releases one by one. */
  function gate() {
    const waiting: Array<(ok: boolean) => void> = [];
    const authenticate = (_request: FastifyRequest) =>
      new Promise<Principal>((resolve, reject) =>
        waiting.push((ok) =>
          ok ? resolve(principal) : reject(new UnauthenticatedError('revoked')),
        ),
      );
    return {
      authenticate,
      release: (ok: boolean) => waiting.shift()!(ok),
      pending: () => waiting.length,
    };
  }
  async function appWith(authenticate: (r: FastifyRequest) => Promise<Principal>) {
    const ran: string[] = [];
    const app = Fastify();
    app.decorateRequest('principal');
    const auth = new ReadAhead(authenticate);
    app.addHook('onRequest', (request: FastifyRequest) => auth.begin(request));
    app.addHook('onSend', (request, reply, payload) => auth.end(request, reply, payload));
    app.get('/data', async (request) => {
      ran.push(`GET ${request.principal.tenantId}`);
      return { secret: 'tenant data' };
    });
    app.post('/data', async () => {
      ran.push('POST');
      return { changed: true };
    });
    await app.ready();
    return { app, ran };
  }
  const headers = { authorization: 'Bearer tnt_x' };
  const tick = () => new Promise((r) => setTimeout(r, 20));
  /** An app whose key was verified once (its first read): the next reads go ahead. */
  async function knownKey(g: ReturnType<typeof gate>) {
    const app = await appWith(g.authenticate);
    const first = app.app.inject({ method: 'GET', url: '/data', headers });
    await tick();
    g.release(true);
    await first;
    return app;
  }

  it('runs a known key’s read before its check answers, and sends it only after', async () => {
    const g = gate();
    const { app, ran } = await appWith(g.authenticate);
    const first = app.inject({ method: 'GET', url: '/data', headers });
    await tick();
    expect(ran).toEqual([]); // an unknown key waits for its check
    g.release(true);
    expect((await first).statusCode).toBe(200);
    let sent = false;
    const second = app.inject({ method: 'GET', url: '/data', headers }).then((r) => {
      sent = true;
      return r;
    });
    await tick();
    expect(ran).toEqual(['GET t1', 'GET t1']);
    expect(sent).toBe(false);
    g.release(true);
    expect((await second).json()).toEqual({ secret: 'tenant data' });
  });

  it('replaces the answer of a read whose key was refused, and forgets the key', async () => {
    const g = gate();
    const { app, ran } = await knownKey(g);
    const refused = app.inject({ method: 'GET', url: '/data', headers });
    await tick();
    g.release(false);
    const res = await refused;
    expect(res.statusCode).toBe(401);
    expect(res.body).not.toContain('tenant data');
    expect(res.json()).toEqual({
      error: { code: 'TENANTRY_E_UNAUTHENTICATED', message: 'revoked' },
    });
    // Forgotten: the next read waits for its check again.
    const next = app.inject({ method: 'GET', url: '/data', headers });
    await tick();
    expect(ran).toEqual(['GET t1', 'GET t1']);
    g.release(true);
    expect((await next).statusCode).toBe(200);
  });

  it('never runs a write before its key is verified', async () => {
    const g = gate();
    const { app, ran } = await knownKey(g);
    const write = app.inject({ method: 'POST', url: '/data', headers });
    await tick();
    expect(ran).toEqual(['GET t1']);
    expect(g.pending()).toBe(1);
    g.release(true);
    expect((await write).statusCode).toBe(200);
    expect(ran).toEqual(['GET t1', 'POST']);
  });
});
