import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../../test/helpers/server.js';
import type { DeleteResponse } from '../query/contract.js';
import type { ChangeEventsResponse, CreateChangeEventResponse } from './contract.js';

type ErrorBody = { error: { code: string; message: string } };

const MIN = 60_000;
const NOW = Math.floor(Date.now() / MIN) * MIN;

describe('POST /api/v1/events and GET /api/v1/tenants/:tenant/events', () => {
  let server: TestServer;
  const post = <T>(body: unknown, key = server.adminKey) =>
    server.api<T>('/api/v1/events', key, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const list = (
    tenant: string,
    key = server.adminKey,
    range = `from=${NOW - 60 * MIN}&to=${NOW + MIN}`,
  ) => server.api<ChangeEventsResponse>(`/api/v1/tenants/${tenant}/events?${range}`, key);

  beforeAll(async () => {
    server = await startTestServer({ alerts: false });
  });
  afterAll(() => server?.stop());

  it("stores an admin's tenant and platform-wide events; a tenant sees its own and the platform's", async () => {
    const created = await post<CreateChangeEventResponse>({
      kind: 'deploy',
      title: 'support-platform 1.8.0',
      tenantId: 'ev-a',
      serviceName: 'support-platform',
      version: '1.8.0',
      environment: 'prod',
      attributes: { commit: 'abc123', canary: false },
      time: new Date(NOW - 10 * MIN).toISOString(),
    });
    expect(created.status).toBe(201);
    expect(created.body.event).toEqual({
      id: expect.stringMatching(/^evt_[0-9a-f]{16}$/),
      tenantId: 'ev-a',
      kind: 'deploy',
      title: 'support-platform 1.8.0',
      serviceName: 'support-platform',
      version: '1.8.0',
      environment: 'prod',
      attributes: { commit: 'abc123', canary: false },
      time: new Date(NOW - 10 * MIN).toISOString(),
      timeUnixNano: `${NOW - 10 * MIN}000000`,
    });
    const platform = await post<CreateChangeEventResponse>({
      kind: 'incident',
      title: 'LLM provider degraded',
      time: NOW - 5 * MIN,
    });
    expect(platform.status).toBe(201);
    expect(platform.body.event).toMatchObject({ tenantId: null, serviceName: null });

    const a = await list('ev-a');
    expect(a.status).toBe(200);
    expect(a.body.tenantId).toBe('ev-a');
    expect(a.body.items.map((e) => e.title)).toEqual([
      'LLM provider degraded',
      'support-platform 1.8.0',
    ]);
    expect((await list('ev-b')).body.items.map((e) => e.title)).toEqual(['LLM provider degraded']);
    // Outside the range: nothing.
    const earlier = await list(
      'ev-a',
      server.adminKey,
      `from=${NOW - 120 * MIN}&to=${NOW - 60 * MIN}`,
    );
    expect(earlier.body.items).toEqual([]);
  });

  it('lets a bound ingest key write for its own tenant only; read keys cannot write', async () => {
    const ingestA = await server.createKey('ingest', 'ev-a');
    const own = await post<CreateChangeEventResponse>(
      { kind: 'config_change', title: 'max_tokens 1024 → 512' },
      ingestA,
    );
    expect(own.status).toBe(201);
    expect(own.body.event.tenantId).toBe('ev-a');
    expect(
      (await post({ kind: 'feature_flag', title: 'new-router on', tenantId: 'ev-a' }, ingestA))
        .status,
    ).toBe(201);

    const other = await post<ErrorBody>({ kind: 'deploy', title: 'x', tenantId: 'ev-b' }, ingestA);
    expect(other.status).toBe(404);
    expect(other.body.error.code).toBe('TENANTRY_E_NOT_FOUND');
    const platform = await post<ErrorBody>({ kind: 'deploy', title: 'x', tenantId: null }, ingestA);
    expect(platform.status).toBe(403);

    for (const key of [await server.createKey('read', 'ev-a'), await server.createKey('read')]) {
      const r = await post<ErrorBody>({ kind: 'deploy', title: 'x', tenantId: 'ev-a' }, key);
      expect(r.status).toBe(403);
      expect(r.body.error.code).toBe('TENANTRY_E_FORBIDDEN');
    }
    // The platform ingest key is bound to no tenant: it may not write markers for any.
    expect(
      (await post({ kind: 'deploy', title: 'x', tenantId: 'ev-a' }, server.ingestKey)).status,
    ).toBe(403);
    expect((await list('ev-b')).body.items.map((e) => e.title)).not.toContain('x');
  });

  it("stores a retried event with the client's id once, answering the stored one", async () => {
    const ingestA = await server.createKey('ingest', 'ev-retry');
    const body = {
      id: 'deploy-2026-12-07.1',
      kind: 'deploy',
      title: 'support-platform 1.8.1',
      version: '1.8.1',
      time: NOW - 3 * MIN,
    };
    const first = await post<CreateChangeEventResponse>(body, ingestA);
    expect(first.status).toBe(201);
    expect(first.body.event).toMatchObject({ id: 'deploy-2026-12-07.1', tenantId: 'ev-retry' });
    // The pipeline's retry (a timeout after the server stored it), even with a later time.
    const retry = await post<CreateChangeEventResponse>({ ...body, time: NOW - MIN }, ingestA);
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual({ event: first.body.event, created: false });
    expect(first.body.created).toBe(true);
    const again = await post<CreateChangeEventResponse>({ ...body, tenantId: 'ev-retry' });
    expect(again.status).toBe(200);
    const mine = (await list('ev-retry')).body.items.filter((e) => e.tenantId === 'ev-retry');
    expect(mine).toEqual([first.body.event]);
    // Another tenant's event with the same id is its own.
    const other = await post<CreateChangeEventResponse>({ ...body, tenantId: 'ev-other' });
    expect(other.status).toBe(201);
    expect(other.body.event.tenantId).toBe('ev-other');
  });

  it('reads like every tenant route: a bound read key sees its tenant, another is 404', async () => {
    const readA = await server.createKey('read', 'ev-a');
    expect((await list('ev-a', readA)).status).toBe(200);
    const other = await server.api<ErrorBody>(`/api/v1/tenants/ev-b/events`, readA);
    expect(other.status).toBe(404);
    expect((await server.api('/api/v1/tenants/ev-a/events', server.ingestKey)).status).toBe(403);
    expect((await server.api('/api/v1/tenants/ev-a/events?bogus=1')).status).toBe(400);
  });

  it('answers a bad body with 400 and a coded JSON error, storing nothing', async () => {
    const bad: Array<[unknown, string]> = [
      [{ kind: 'reboot', title: 'x' }, 'kind'],
      [{ kind: 'deploy' }, 'title'],
      [{ kind: 'deploy', title: '   ' }, 'title'],
      [{ kind: 'deploy', title: 'x'.repeat(201) }, 'title'],
      [{ kind: 'deploy', title: 'x', extra: 1 }, 'body'],
      [{ kind: 'deploy', title: 'x', time: 'yesterday' }, 'time'],
      [{ kind: 'deploy', title: 'x', time: NOW + 2 * 86_400_000 }, 'time'],
      [{ kind: 'deploy', title: 'x', attributes: { nested: { a: 1 } } }, 'attributes.nested'],
      [
        {
          kind: 'deploy',
          title: 'x',
          attributes: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, i])),
        },
        'attributes',
      ],
      [{ kind: 'deploy', title: 'x', version: 'a\nb' }, 'version'],
      [{ kind: 'deploy', title: 'x', id: 'has space' }, 'id'],
      [{ kind: 'deploy', title: 'x', id: '-leading' }, 'id'],
      [{ kind: 'deploy', title: 'x', id: 'x'.repeat(129) }, 'id'],
      [[1, 2], 'body'],
    ];
    for (const [body, path] of bad) {
      const r = await post<ErrorBody>(body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.code).toBe('TENANTRY_E_INVALID_EVENT');
      expect(r.body.error.message).toContain(`${path}:`);
    }
    const notJson = await post<ErrorBody>('{"kind":');
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.code).toBe('TENANTRY_E_INVALID_REQUEST');
    expect((await list('ev-bad')).body.items.filter((e) => e.tenantId === 'ev-bad')).toEqual([]);
  });

  it("redacts the title and attribute values with the server's redaction", async () => {
    const r = await post<CreateChangeEventResponse>({
      kind: 'config_change',
      title: 'routing change approved by jane.doe@example.com',
      tenantId: 'ev-r',
      attributes: { approver: 'jane.doe@example.com', ticket: 'OPS-12' },
    });
    expect(r.status).toBe(201);
    const stored = (await list('ev-r')).body.items.find((e) => e.tenantId === 'ev-r');
    expect(stored?.title).toContain('routing change approved by');
    expect(JSON.stringify(stored)).not.toContain('jane.doe@example.com');
    expect(stored?.attributes.ticket).toBe('OPS-12');
  });

  it("goes with its tenant's erasure", async () => {
    expect((await post({ kind: 'deploy', title: 'to erase', tenantId: 'ev-e' })).status).toBe(201);
    const del = await server.api<DeleteResponse>('/api/v1/tenants/ev-e', server.adminKey, {
      method: 'DELETE',
    });
    expect(del.body.deleted.events).toBe(1);
    const left = (await list('ev-e')).body.items.filter((e) => e.tenantId === 'ev-e');
    expect(left).toEqual([]);
  });
});
