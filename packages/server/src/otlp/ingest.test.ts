import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  exportSpans,
  recordRun,
  recordSpans,
  traceExporter,
} from '../../../../test/helpers/otlp.js';
import { startTestServer, type TestServer } from '../../../../test/helpers/server.js';
import { sendLogs, sendMetrics } from '../../../../test/helpers/signals.js';
import type { LogsResponse, TenantsResponse } from '../query/contract.js';

async function tenantRow(server: TestServer, tenant: string) {
  const r = await server.api<TenantsResponse>(
    `/api/v1/tenants?q=${encodeURIComponent(tenant)}&from=${Date.now() - 86_400_000}&to=${Date.now() + 60_000}`,
  );
  return r.body.items.find((t) => t.tenantId === tenant);
}

function post(
  server: TestServer,
  path: string,
  body: Buffer | string,
  headers: Record<string, string>,
) {
  return fetch(server.url + path, { method: 'POST', body, headers });
}

describe('OTLP ingest', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      config: { server: { maxBodyBytes: 256 * 1024 }, redaction: { enabled: true } },
    });
  });
  afterAll(() => server.stop());

  it('stores spans sent by the official protobuf and JSON trace exporters, gzip included', async () => {
    const spans = await recordSpans((t) => {
      for (let i = 0; i < 4; i++) recordRun(t, { tenantId: 'exp-a', tools: [{ name: 'search' }] });
    });
    expect(
      (await exportSpans(traceExporter(server.url, server.ingestKey, 'protobuf'), spans)).code,
    ).toBe(0);
    const jsonSpans = await recordSpans((t) => recordRun(t, { tenantId: 'exp-b' }));
    expect(
      (await exportSpans(traceExporter(server.url, server.ingestKey, 'json'), jsonSpans)).code,
    ).toBe(0);
    const gzSpans = await recordSpans((t) => recordRun(t, { tenantId: 'exp-c' }));
    expect(
      (await exportSpans(traceExporter(server.url, server.ingestKey, 'protobuf', true), gzSpans))
        .code,
    ).toBe(0);
    expect((await tenantRow(server, 'exp-a'))?.spans).toBe(12);
    expect((await tenantRow(server, 'exp-a'))?.runs).toBe(4);
    expect((await tenantRow(server, 'exp-b'))?.spans).toBe(2);
    expect((await tenantRow(server, 'exp-c'))?.spans).toBe(2);
  });

  it('stores log records and metric points sent by the official exporters, with their tenant', async () => {
    await sendLogs(server.url, server.ingestKey, [
      {
        body: 'tool returned stale data',
        severityNumber: 13,
        severityText: 'WARN',
        attributes: { 'tenant.id': 'logs-a' },
      },
      {
        body: 'run finished',
        severityNumber: 9,
        severityText: 'INFO',
        attributes: { 'tenant.id': 'logs-a' },
      },
    ]);
    const logs = await server.api<LogsResponse>(
      `/api/v1/logs?tenant=logs-a&from=${Date.now() - 86_400_000}&q=stale`,
    );
    expect(logs.body.items.map((l) => l.body)).toEqual(['tool returned stale data']);
    await sendMetrics(server.url, server.ingestKey, ['metrics-a', 'metrics-b']);
    const text = await server.scrapeMetrics();
    expect(text).toContain('tenantry_ingested_items_total{signal="metrics",tenant="metrics-a"} 2');
    expect(text).toContain('tenantry_ingested_items_total{signal="metrics",tenant="metrics-b"} 2');
  });

  it('does not double-count a resent span', async () => {
    const spans = await recordSpans((t) => recordRun(t, { tenantId: 'dup' }));
    const exporter = traceExporter(server.url, server.ingestKey);
    await exportSpans(exporter, spans);
    await exportSpans(exporter, spans);
    expect((await tenantRow(server, 'dup'))?.spans).toBe(2);
  });

  it('redacts PII and secrets at ingest whatever SDK sent them', async () => {
    const spans = await recordSpans((t) =>
      recordRun(t, {
        tenantId: 'pii',
        tools: [
          {
            name: 'email',
            args: '{"to":"jane.doe@example.com","apiKey":"sk-proj-abcdefghijklmnopqrstuvwx"}',
          },
        ],
      }),
    );
    await exportSpans(traceExporter(server.url, server.ingestKey), spans);
    const r = await server.api<{ items: Array<{ attributes: Record<string, unknown> }> }>(
      `/api/v1/spans?tenant=pii&from=${Date.now() - 86_400_000}&tool=email`,
    );
    const args = String(r.body.items[0]?.attributes['gen_ai.tool.call.arguments']);
    expect(args).not.toContain('jane.doe@example.com');
    expect(args).not.toContain('sk-proj-abcdefghijklmnopqrstuvwx');
    expect(r.body.items[0]?.attributes['tenantry.redacted.count']).toBeGreaterThanOrEqual(2);
  });

  it("rejects a span whose tenant differs from its key's tenant, in partial_success", async () => {
    const key = await server.createKey('ingest', 'owner');
    const spans = await recordSpans((t) => {
      recordRun(t, { tenantId: 'victim' });
      recordRun(t, { tenantId: 'owner' });
    });
    const body = JSON.stringify({
      resourceSpans: [
        {
          resource: { attributes: [] },
          scopeSpans: [
            {
              spans: spans.map((s) => ({
                traceId: s.spanContext().traceId,
                spanId: s.spanContext().spanId,
                parentSpanId: s.parentSpanContext?.spanId ?? '',
                name: s.name,
                startTimeUnixNano: `${BigInt(Date.now() - 1000) * 1_000_000n}`,
                endTimeUnixNano: `${BigInt(Date.now() - 900) * 1_000_000n}`,
                attributes: Object.entries(s.attributes).map(([k, v]) => ({
                  key: k,
                  value:
                    typeof v === 'number' ? { intValue: String(v) } : { stringValue: String(v) },
                })),
              })),
            },
          ],
        },
      ],
    });
    const res = await post(server, '/v1/traces', body, {
      'content-type': 'application/json',
      authorization: `Bearer ${key}`,
    });
    expect(res.status).toBe(200);
    const json = (await res.json()) as {
      partialSuccess: { rejectedSpans: string; errorMessage: string };
    };
    expect(json.partialSuccess.rejectedSpans).toBe('2');
    expect(json.partialSuccess.errorMessage).toContain(
      "claim a tenant other than the key's tenant",
    );
    const all = await server.api<TenantsResponse>(
      `/api/v1/tenants?from=${Date.now() - 86_400_000}`,
    );
    expect(all.body.items.find((t) => t.tenantId === 'victim')).toBeUndefined();
    expect(all.body.items.find((t) => t.tenantId === 'owner')?.spans).toBe(2);
  });

  it('keeps a span with no tenant through a platform key, waiting for its trace tenant, never drops it', async () => {
    const before = await server.storage.parkedSpans();
    const spans = await recordSpans((t) => t.startSpan('no tenant here').end());
    await exportSpans(traceExporter(server.url, server.ingestKey), spans);
    // Stored, visible to no tenant until its trace's tenant arrives or the window ends
    // (ingest/trace-tenant.test.ts follows it to _unassigned).
    expect((await server.storage.parkedSpans()).count).toBe(before.count + 1);
  });

  it('stores a log record with no tenant as _unassigned through a platform key', async () => {
    const res = await post(
      server,
      '/v1/logs',
      JSON.stringify({
        resourceLogs: [
          {
            scopeLogs: [
              {
                logRecords: [
                  { timeUnixNano: `${Date.now()}000000`, body: { stringValue: 'no tenant' } },
                ],
              },
            ],
          },
        ],
      }),
      { 'content-type': 'application/json', authorization: `Bearer ${server.ingestKey}` },
    );
    expect(res.status).toBe(200);
    const logs = await server.api<{ items: unknown[] }>('/api/v1/logs?tenant=_unassigned');
    expect(logs.body.items.length).toBeGreaterThanOrEqual(1);
  });

  it('refuses a revoked key on its very next request', async () => {
    const key = await server.createKey('ingest', 'rev');
    const spans = await recordSpans((t) => recordRun(t, { tenantId: 'rev' }));
    expect((await exportSpans(traceExporter(server.url, key), spans)).code).toBe(0);
    await server.revokeKeyOf('rev');
    const res = await post(server, '/v1/traces', '{}', {
      'content-type': 'application/json',
      authorization: `Bearer ${key}`,
    });
    expect(res.status).toBe(401);
  });

  it('answers every error status with a coded JSON body for JSON clients', async () => {
    const auth = { authorization: `Bearer ${server.ingestKey}` };
    const json = { ...auth, 'content-type': 'application/json' };
    const cases: Array<[string, Promise<Response>, number, string]> = [
      [
        'malformed',
        post(server, '/v1/traces', '{"resourceSpans": 5}', json),
        400,
        'TENANTRY_E_OTLP_MALFORMED',
      ],
      ['not json', post(server, '/v1/traces', '{nope', json), 400, 'TENANTRY_E_OTLP_MALFORMED'],
      [
        'no key',
        post(server, '/v1/traces', '{}', { 'content-type': 'application/json' }),
        401,
        'TENANTRY_E_UNAUTHENTICATED',
      ],
      [
        'unknown key',
        post(server, '/v1/traces', '{}', {
          'content-type': 'application/json',
          authorization: 'Bearer tnt_nope',
        }),
        401,
        'TENANTRY_E_UNAUTHENTICATED',
      ],
      [
        'wrong type',
        post(server, '/v1/traces', 'x', { ...auth, 'content-type': 'text/plain' }),
        415,
        'TENANTRY_E_UNSUPPORTED_MEDIA_TYPE',
      ],
      [
        'too large',
        post(server, '/v1/traces', Buffer.alloc(300 * 1024, 32), json),
        413,
        'TENANTRY_E_PAYLOAD_TOO_LARGE',
      ],
      [
        'bad encoding',
        post(server, '/v1/traces', '{}', { ...json, 'content-encoding': 'br' }),
        415,
        'TENANTRY_E_UNSUPPORTED_MEDIA_TYPE',
      ],
      [
        'not gzip',
        post(server, '/v1/traces', '{}', { ...json, 'content-encoding': 'gzip' }),
        400,
        'TENANTRY_E_OTLP_MALFORMED',
      ],
    ];
    for (const [name, pending, status, code] of cases) {
      const res = await pending;
      expect(res.status, name).toBe(status);
      expect(((await res.json()) as { error: { code: string } }).error.code, name).toBe(code);
    }
    const readKey = await server.createKey('read');
    const forbidden = await post(server, '/v1/traces', '{}', {
      'content-type': 'application/json',
      authorization: `Bearer ${readKey}`,
    });
    expect(forbidden.status).toBe(403);
  });

  it('answers 413 to a gzip decompression bomb without inflating it into memory', async () => {
    const bomb = gzipSync(Buffer.alloc(200 * 1024 * 1024, 0));
    const before = process.memoryUsage().rss;
    const res = await post(server, '/v1/traces', bomb, {
      authorization: `Bearer ${server.ingestKey}`,
      'content-type': 'application/x-protobuf',
      'content-encoding': 'gzip',
    });
    expect(res.status).toBe(413);
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * 1024 * 1024);
  });

  it('answers protobuf clients with a protobuf google.rpc.Status', async () => {
    const res = await post(server, '/v1/traces', Buffer.from([0x0a, 0xff, 0x01]), {
      authorization: `Bearer ${server.ingestKey}`,
      'content-type': 'application/x-protobuf',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/x-protobuf');
    expect(Buffer.from(await res.arrayBuffer()).toString('utf8')).toContain(
      'TENANTRY_E_OTLP_MALFORMED',
    );
  });

  it('never crashes on fuzzed and truncated protobuf and JSON bodies', async () => {
    const spans = await recordSpans((t) =>
      recordRun(t, { tenantId: 'fuzz', tools: [{ name: 'x' }] }),
    );
    let valid: Buffer | null = null;
    const capture = await import('node:http');
    const sink = capture.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        valid = Buffer.concat(chunks);
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
    const port = (sink.address() as { port: number }).port;
    await exportSpans(traceExporter(`http://127.0.0.1:${port}`, 'x'), spans);
    sink.close();
    expect(valid).not.toBeNull();
    const body = valid as unknown as Buffer;
    let seed = 42;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const statuses = new Set<number>();
    for (let i = 0; i < 150; i++) {
      const mutated = Buffer.from(body.subarray(0, Math.floor(rand() * body.length)));
      for (let j = 0; j < 3; j++)
        mutated[Math.floor(rand() * mutated.length)] = Math.floor(rand() * 256);
      const res = await post(server, '/v1/traces', mutated, {
        authorization: `Bearer ${server.ingestKey}`,
        'content-type': 'application/x-protobuf',
      });
      statuses.add(res.status);
      expect([200, 400]).toContain(res.status);
    }
    for (const text of [
      '{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"zz"}]}]}]}',
      '[',
      '"x"',
      'null',
      '{"resourceSpans":[{"scopeSpans":[{"spans":[{"startTimeUnixNano":-1}]}]}]}',
    ]) {
      const res = await post(server, '/v1/traces', text, {
        authorization: `Bearer ${server.ingestKey}`,
        'content-type': 'application/json',
      });
      expect(res.status, text).toBe(400);
    }
    expect(statuses.has(400)).toBe(true);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('stores exactly what it acknowledged to 8 concurrent clients', async () => {
    let acknowledged = 0;
    await Promise.all(
      Array.from({ length: 8 }, async (_, client) => {
        const exporter = traceExporter(server.url, server.ingestKey);
        for (let batch = 0; batch < 5; batch++) {
          const spans = await recordSpans((t) => {
            for (let i = 0; i < 20; i++)
              recordRun(t, { tenantId: `conc-${client % 4}`, tools: [{ name: 'a' }] });
          });
          const r = await exportSpans(exporter, spans);
          if (r.code === 0) acknowledged += spans.length;
        }
      }),
    );
    let stored = 0;
    for (let t = 0; t < 4; t++) stored += (await tenantRow(server, `conc-${t}`))?.spans ?? 0;
    expect(acknowledged).toBe(8 * 5 * 20 * 3);
    expect(stored).toBe(acknowledged);
  });
});

describe('per-tenant ingest limits', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      // A refill this slow makes the outcome independent of how fast the machine is.
      config: { limits: { tenants: { flood: { itemsPerSecond: 1, burstItems: 100 } } } },
    });
  });
  afterAll(() => server.stop());

  it('answers 429 with Retry-After to a flooding tenant while another tenant still succeeds', async () => {
    const floodKey = await server.createKey('ingest', 'flood');
    const calmKey = await server.createKey('ingest', 'calm');
    const batch = await recordSpans((t) => {
      for (let i = 0; i < 20; i++) recordRun(t, { tenantId: 'flood' });
    });
    const calmBatch = await recordSpans((t) => {
      for (let i = 0; i < 20; i++) recordRun(t, { tenantId: 'calm' });
    });
    const { ProtobufTraceSerializer } = await import('@opentelemetry/otlp-transformer');
    const floodBody = Buffer.from(ProtobufTraceSerializer.serializeRequest(batch)!);
    const calmBody = Buffer.from(ProtobufTraceSerializer.serializeRequest(calmBatch)!);
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    let calmOk = 0;
    for (let i = 0; i < 10; i++) {
      const res = await post(server, '/v1/traces', floodBody, {
        authorization: `Bearer ${floodKey}`,
        'content-type': 'application/x-protobuf',
      });
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers.get('retry-after');
      const calm = await post(server, '/v1/traces', calmBody, {
        authorization: `Bearer ${calmKey}`,
        'content-type': 'application/x-protobuf',
      });
      if (calm.status === 200) calmOk++;
    }
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    expect(calmOk).toBe(10);
    const metrics = await server.scrapeMetrics();
    expect(metrics).toMatch(
      /tenantry_rejected_items_total\{reason="rate_limited",signal="traces",tenant="flood"\} \d+/,
    );
  });
});

describe('write queue saturation', () => {
  it('answers 503 with Retry-After when the bounded write queue is full', async () => {
    const server = await startTestServer({ config: { limits: { maxQueuedItems: 5 } } });
    try {
      const spans = await recordSpans((t) => {
        for (let i = 0; i < 5; i++) recordRun(t, { tenantId: 'big' });
      });
      const { ProtobufTraceSerializer } = await import('@opentelemetry/otlp-transformer');
      const res = await post(
        server,
        '/v1/traces',
        Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!),
        {
          authorization: `Bearer ${server.ingestKey}`,
          'content-type': 'application/x-protobuf',
        },
      );
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
    } finally {
      await server.stop();
    }
  });
});
