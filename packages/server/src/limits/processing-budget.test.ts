import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordSpans } from '../../../../test/helpers/otlp.js';
import { startTestServer, type TestServer } from '../../../../test/helpers/server.js';
import type { SpansResponse } from '../query/contract.js';

/**
 * Item and byte limits do not bound CPU: a tenant may stay under both with text that costs 50
 * times more per byte to redact than prose. The processing-time budget does, per tenant, through
 * the real server.
 */
describe('per-tenant processing-time budget', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      alerts: false,
      config: {
        redaction: { enabled: true },
        // 50 ms saved up and 10 ms/s: the costly request below takes several times the burst on
        // any machine, and the debt takes longer than the test to repay.
        limits: {
          tenants: {
            costly: { processingMsPerSecond: 10, burstProcessingMs: 50 },
            'costly-2': { processingMsPerSecond: 10, burstProcessingMs: 50 },
          },
        },
      },
    });
  });
  afterAll(() => server.stop());

  /** Spans of one or more tenants, `count` each, carrying `text`. */
  function spans(tenants: Record<string, number>, text: string) {
    return recordSpans((t) => {
      for (const [tenantId, count] of Object.entries(tenants))
        for (let i = 0; i < count; i++)
          t.startSpan(`tool ${i}`, {
            attributes: { 'tenant.id': tenantId, 'tool.output': text },
          }).end();
    });
  }

  async function body(tenantId: string, text: string, count: number): Promise<Buffer> {
    return Buffer.from(
      ProtobufTraceSerializer.serializeRequest(await spans({ [tenantId]: count }, text))!,
    );
  }

  const post = (payload: Buffer, contentType = 'application/x-protobuf') =>
    fetch(`${server.url}/v1/traces`, {
      method: 'POST',
      body: payload,
      headers: { authorization: `Bearer ${server.ingestKey}`, 'content-type': contentType },
    });

  // Runs of three-digit groups: each one a candidate SSN, phone or card (about 4 MB/s).
  const COSTLY_TEXT = '123 '.repeat(4096);

  it('refuses a tenant whose payloads overspent its budget with 429, and serves the others', async () => {
    const costly = await body('costly', COSTLY_TEXT, 64);
    const cheap = await body('cheap', 'the weather in Paris is mild', 64);

    expect((await post(costly)).status).toBe(200);
    const refused = await post(costly);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await post(cheap)).status).toBe(200);

    const metrics = await server.scrapeMetrics();
    expect(metrics).toMatch(
      /tenantry_rejected_items_total\{reason="processing_limited",signal="traces",tenant="costly"\} 64/,
    );
    expect(metrics).not.toMatch(/reason="processing_limited",signal="traces",tenant="cheap"/);
  });

  it('stores the other tenants of a mixed request and reports the refused one in partial_success', async () => {
    expect((await post(await body('costly-2', COSTLY_TEXT, 64))).status).toBe(200);
    const mixed = await spans({ 'costly-2': 3, 'mixed-cheap': 5 }, 'fine');
    const res = await post(
      Buffer.from(JsonTraceSerializer.serializeRequest(mixed)!),
      'application/json',
    );
    expect(res.status).toBe(200);
    const { partialSuccess } = (await res.json()) as {
      partialSuccess: { rejectedSpans: string; errorMessage: string };
    };
    expect(partialSuccess.rejectedSpans).toBe('3');
    expect(partialSuccess.errorMessage).toContain("3 item(s) of tenant 'costly-2'");
    expect(partialSuccess.errorMessage).toContain('processing-time budget');

    const from = Date.now() - 3_600_000;
    const stored = await server.api<SpansResponse>(`/api/v1/spans?tenant=mixed-cheap&from=${from}`);
    expect(stored.body.items).toHaveLength(5);
    // The refused tenant's spans of the mixed request were left out, not stored with the others.
    const refused = await server.api<SpansResponse>(
      `/api/v1/spans?tenant=costly-2&from=${from}&limit=200`,
    );
    expect(refused.body.items).toHaveLength(64);
  });
});
