import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordSpans } from '../../../../test/helpers/otlp.js';
import { startTestServer, type TestServer } from '../../../../test/helpers/server.js';

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
        limits: { tenants: { costly: { processingMsPerSecond: 10, burstProcessingMs: 50 } } },
      },
    });
  });
  afterAll(() => server.stop());

  async function body(tenantId: string, text: string, spans: number): Promise<Buffer> {
    const recorded = await recordSpans((t) => {
      for (let i = 0; i < spans; i++)
        t.startSpan(`tool ${i}`, {
          attributes: { 'tenant.id': tenantId, 'tool.output': text },
        }).end();
    });
    return Buffer.from(ProtobufTraceSerializer.serializeRequest(recorded)!);
  }

  const post = (payload: Buffer) =>
    fetch(`${server.url}/v1/traces`, {
      method: 'POST',
      body: payload,
      headers: {
        authorization: `Bearer ${server.ingestKey}`,
        'content-type': 'application/x-protobuf',
      },
    });

  it('refuses a tenant whose payloads overspent its budget with 429, and serves the others', async () => {
    // Runs of three-digit groups: each one a candidate SSN, phone or card (about 4 MB/s).
    const costly = await body('costly', '123 '.repeat(4096), 64);
    const cheap = await body('cheap', 'the weather in Paris is mild', 64);

    expect((await post(costly)).status).toBe(200);
    const refused = await post(costly);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await post(cheap)).status).toBe(200);

    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(
      /tenantry_rejected_items_total\{reason="processing_limited",signal="traces",tenant="costly"\} 64/,
    );
    expect(metrics).not.toMatch(/reason="processing_limited",signal="traces",tenant="cheap"/);
  });
});
