import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../../test/helpers/server.js';
import type { RedactionsResponse } from './routes-redactions.js';

/** One OTLP/JSON log line per tenant, with PII in its body. */
async function sendLog(server: TestServer, tenant: string, body: string) {
  const res = await fetch(`${server.url}/v1/logs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.ingestKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      resourceLogs: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'agent' } }] },
          scopeLogs: [
            {
              logRecords: [
                {
                  timeUnixNano: String(BigInt(Date.now()) * 1_000_000n),
                  severityNumber: 9,
                  body: { stringValue: body },
                  attributes: [{ key: 'tenant.id', value: { stringValue: tenant } }],
                },
              ],
            },
          ],
        },
      ],
    }),
  });
  expect(res.status).toBe(200);
}

async function get(server: TestServer, path: string, key: string) {
  return fetch(`${server.url}/api/v1${path}`, { headers: { authorization: `Bearer ${key}` } });
}

describe('GET /api/v1/tenants/:tenant/redactions', () => {
  let server: TestServer;
  beforeAll(async () => {
    // Context detectors are opt-in on the server: turned on here, as a deployment would.
    server = await startTestServer({
      config: {
        redaction: {
          policy: {
            detectors: { PERSON: true, ADDRESS: true, DATE_OF_BIRTH: true, HEALTH: true },
          },
        },
      },
    });
    await sendLog(
      server,
      'red-a',
      'My name is Jane Doe, mail jane@example.com, born 04/07/1986, diagnosed with asthma.',
    );
    await sendLog(server, 'red-b', 'mail bob@example.com');
  });
  afterAll(() => server.close());

  it('counts what ingest redacted for the tenant by type, never the values', async () => {
    const res = await get(server, '/tenants/red-a/redactions', server.adminKey);
    expect(res.status).toBe(200);
    const body = (await res.json()) as RedactionsResponse;
    expect(body.byType).toEqual({ PERSON: 1, EMAIL: 1, DATE_OF_BIRTH: 1, HEALTH: 1 });
    expect(body.total).toBe(4);
    expect(JSON.stringify(body)).not.toMatch(/Jane|jane@|1986|asthma/);
  });

  it('counts only pattern types for a tenant when the server policy leaves context detectors off', async () => {
    const off = await startTestServer();
    try {
      await sendLog(off, 'red-c', 'My name is Jane Doe, mail jane@example.com.');
      const body = (await (
        await get(off, '/tenants/red-c/redactions', off.adminKey)
      ).json()) as RedactionsResponse;
      expect(body.byType).toEqual({ EMAIL: 1 });
    } finally {
      await off.close();
    }
  });

  it('answers zeros for a tenant with nothing redacted', async () => {
    const body = (await (
      await get(server, '/tenants/quiet/redactions', server.adminKey)
    ).json()) as RedactionsResponse;
    expect(body).toMatchObject({ tenantId: 'quiet', total: 0, byType: {} });
  });

  it("answers 404 for another tenant's counts to a tenant-bound key", async () => {
    const key = await server.createKey('read', 'red-b');
    expect((await get(server, '/tenants/red-a/redactions', key)).status).toBe(404);
    const own = (await (
      await get(server, '/tenants/red-b/redactions', key)
    ).json()) as RedactionsResponse;
    expect(own.byType).toEqual({ EMAIL: 1 });
  });
});
