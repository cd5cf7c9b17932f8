import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClickHouseNode, startClickHouse } from '../../../../../test/helpers/clickhouse.js';
import { approx } from '../../../../../test/helpers/compare.js';
import {
  exportSpans,
  recordRun,
  recordSpans,
  traceExporter,
} from '../../../../../test/helpers/otlp.js';
import { startTestServer, type TestServer } from '../../../../../test/helpers/server.js';
import { sendMetrics } from '../../../../../test/helpers/signals.js';
import { openClickHouseStorage } from '../clickhouse/index.js';

/**
 * The real server over ClickHouse, fed by the official OTLP exporter, answers every query route
 * exactly like the same server over DuckDB fed the same requests.
 */

const NOW = Date.now();
const HOUR = 3_600_000;
const RANGE = `from=${NOW - 2 * HOUR}&to=${NOW + 60_000}`;
/** The doctor's `settledBefore` is each server's clock at the request, not a storage answer. */
function storageAnswer(body: unknown): unknown {
  if (!body || typeof body !== 'object' || !('settledBefore' in body)) return body;
  const { settledBefore: _clock, ...rest } = body as Record<string, unknown>;
  return rest;
}

const CONFIG = { pricing: { models: { 'gpt-4o-mini': { input: 0.15, output: 0.6 } } } };

async function sendLogs(server: TestServer, tenant: string, traceId: string, body: string) {
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
                  timeUnixNano: String(BigInt(NOW - HOUR) * 1_000_000n),
                  severityNumber: 17,
                  severityText: 'ERROR',
                  body: { stringValue: body },
                  traceId,
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

describe('server over ClickHouse vs DuckDB', () => {
  let node: ClickHouseNode;
  let duck: TestServer;
  let click: TestServer;
  const traces: string[] = [];

  beforeAll(async () => {
    node = await startClickHouse();
    const storage = await openClickHouseStorage({ url: node.url, database: 'e2e' });
    [duck, click] = await Promise.all([
      startTestServer({ alerts: false, config: CONFIG }),
      startTestServer({ alerts: false, config: CONFIG, storage }),
    ]);
    const spans = await recordSpans((t) => {
      for (let i = 1; i <= 40; i++) {
        traces.push(
          recordRun(t, {
            tenantId: `t${i % 4}`,
            startMs: NOW - HOUR + i * 1000,
            durationMs: 10 + ((i * 37) % 90),
            failed: i % 7 === 0,
            model: i % 5 === 0 ? 'unpriced-model' : 'gpt-4o-mini',
            inputTokens: 100 + i,
            outputTokens: 20 + i,
            tools: [{ name: i % 3 === 0 ? 'lookup' : 'search', failed: i % 6 === 0 }],
            userId: `user-${i % 3}`,
          }),
        );
      }
    });
    for (const server of [duck, click]) {
      // Sent twice: the resend must not double-count on either engine.
      for (let k = 0; k < 2; k++) {
        expect((await exportSpans(traceExporter(server.url, server.ingestKey), spans)).code).toBe(
          0,
        );
      }
      await sendLogs(server, 't1', traces[0]!, 'cache miss for t1');
      await sendLogs(server, 't2', traces[1]!, 'secret of t2');
      await sendMetrics(server.url, server.ingestKey, ['t1', 't2']);
    }
  });
  afterAll(async () => {
    await Promise.all([duck?.stop(), click?.stop()]);
    await node?.stop();
  });

  const routes = () => [
    `/api/v1/tenants?${RANGE}&sort=tenant`,
    `/api/v1/tenants?${RANGE}&sort=runs&order=desc`,
    `/api/v1/tenants?${RANGE}&sort=p95`,
    `/api/v1/tenants?${RANGE}&q=t1`,
    `/api/v1/tenants/t1/timeseries?metrics=runs,failure_rate,tokens_input,cost,tool_error_rate,run_latency_p95&${RANGE}&step=600`,
    `/api/v1/tenants/t2/timeseries?metrics=tokens_input,tokens_output,cost&${RANGE}&step=1d`,
    `/api/v1/runs?tenant=t1&${RANGE}&limit=100`,
    `/api/v1/runs?tenant=t0&status=error&${RANGE}&limit=100`,
    `/api/v1/runs?${RANGE}&limit=7`,
    `/api/v1/runs?tenant=t3&minDurationMs=50&${RANGE}&limit=100`,
    `/api/v1/traces/${traces[0]}`,
    `/api/v1/traces/${traces[5]}`,
    `/api/v1/spans?tenant=t2&tool=search&${RANGE}&limit=100`,
    `/api/v1/spans?attr.gen_ai.tool.name=lookup&${RANGE}&limit=100`,
    `/api/v1/logs?${RANGE}&q=cache`,
    `/api/v1/logs?tenant=t2&${RANGE}`,
    `/api/v1/doctor?${RANGE}`,
    `/api/v1/tenants?${RANGE}&sort=${encodeURIComponent('runs; DROP TABLE spans')}`,
    `/api/v1/traces/${encodeURIComponent("x' OR '1'='1")}`,
    `/api/v1/runs?tenant=${encodeURIComponent("t1' OR '1'='1")}&${RANGE}`,
  ];

  it('answers every query route with the same status and body', async () => {
    for (const path of routes()) {
      const [a, b] = await Promise.all([duck.api(path), click.api(path)]);
      expect({ path, status: b.status, body: approx(storageAnswer(b.body)) }).toEqual({
        path,
        status: a.status,
        body: approx(storageAnswer(a.body)),
      });
    }
    const tenants = await click.api<{ items: Array<{ tenantId: string; runs: number }> }>(
      `/api/v1/tenants?${RANGE}&sort=tenant`,
    );
    expect(tenants.body.items.map((t) => [t.tenantId, t.runs])).toEqual([
      ['t0', 10],
      ['t1', 10],
      ['t2', 10],
      ['t3', 10],
    ]);
  });

  it('scopes a tenant-bound read key and honours revocation, through ClickHouse-stored keys', async () => {
    const key = await click.createKey('read', 't1');
    expect((await click.api(`/api/v1/traces/${traces[1]}`, key)).status).toBe(404);
    expect((await click.api(`/api/v1/traces/${traces[0]}`, key)).status).toBe(200);
    const logs = await click.api<{ items: Array<{ body: string }> }>(`/api/v1/logs?${RANGE}`, key);
    expect(logs.body.items.map((l) => l.body)).toEqual(['cache miss for t1']);
    const list = await click.api<{ items: Array<{ id: string; prefix: string }> }>('/api/v1/keys');
    const id = list.body.items.find((k) => key.startsWith(k.prefix))?.id;
    expect(id).toBeTruthy();
    expect(
      (await click.api(`/api/v1/keys/${id}`, click.adminKey, { method: 'DELETE' })).status,
    ).toBe(200);
    expect((await click.api(`/api/v1/traces/${traces[0]}`, key)).status).toBe(401);
  });

  it('erases a user and then a tenant the same way on both engines', async () => {
    for (const path of ['/api/v1/tenants/t3/users/user-1', '/api/v1/tenants/t2']) {
      const [a, b] = await Promise.all([
        duck.api(path, duck.adminKey, { method: 'DELETE' }),
        click.api(path, click.adminKey, { method: 'DELETE' }),
      ]);
      expect({ path, status: b.status, body: approx(storageAnswer(b.body)) }).toEqual({
        path,
        status: a.status,
        body: approx(storageAnswer(a.body)),
      });
    }
    for (const path of routes().slice(0, 4)) {
      const [a, b] = await Promise.all([duck.api(path), click.api(path)]);
      expect(approx(b.body)).toEqual(approx(a.body));
    }
  });
});
