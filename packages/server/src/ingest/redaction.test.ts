import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportSpans, recordSpans, traceExporter } from '../../../../test/helpers/otlp.js';
import { startTestServer, type TestServer } from '../../../../test/helpers/server.js';
import { sendLogs } from '../../../../test/helpers/signals.js';
import type { LogsResponse, SpansResponse } from '../query/contract.js';

const since = () => Date.now() - 3_600_000;

describe('redaction at ingest', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      alerts: false,
      config: { redaction: { enabled: true, tenants: { 'raw-tenant': { enabled: false } } } },
    });
  });
  afterAll(() => server.stop());

  it('redacts log bodies and log attributes, and counts by type without the values', async () => {
    await sendLogs(server.url, server.ingestKey, [
      {
        body: 'refund sent to jane.doe@example.com for card 4111 1111 1111 1111',
        severityNumber: 9,
        severityText: 'INFO',
        attributes: { 'tenant.id': 'red-a', authorization: 'Bearer abc.def.ghi' },
      },
    ]);
    const { body } = await server.api<LogsResponse>(`/api/v1/logs?tenant=red-a&from=${since()}`);
    const log = body.items[0]!;
    expect(log.body).not.toContain('jane.doe@example.com');
    expect(log.body).not.toContain('4111');
    expect(JSON.stringify(log.attributes)).not.toContain('abc.def.ghi');
    const metrics = await server.scrapeMetrics();
    expect(metrics).toMatch(/tenantry_redacted_total\{tenant="red-a",type="EMAIL"\} 1/);
    expect(metrics).not.toContain('jane.doe');
  });

  it('redacts span event attributes and status messages', async () => {
    const spans = await recordSpans((t) => {
      const s = t.startSpan('tool', { attributes: { 'tenant.id': 'red-b' } });
      s.addEvent('exception', { 'exception.message': 'lookup failed for ssn 123-45-6789' });
      s.setStatus({ code: 2, message: 'user bob@example.org not found' });
      s.end();
    });
    await exportSpans(traceExporter(server.url, server.ingestKey), spans);
    const { body } = await server.api<SpansResponse>(`/api/v1/spans?tenant=red-b&from=${since()}`);
    const trace = await server.api<{
      spans: Array<{
        events: Array<{ attributes: Record<string, unknown> }>;
        statusMessage: string;
      }>;
    }>(`/api/v1/traces/${body.items[0]!.traceId}`);
    const span = trace.body.spans[0]!;
    expect(JSON.stringify(span.events)).not.toContain('123-45-6789');
    expect(span.statusMessage).not.toContain('bob@example.org');
  });

  it('leaves a tenant whose policy turns redaction off untouched', async () => {
    await sendLogs(server.url, server.ingestKey, [
      {
        body: 'contact ops@example.com',
        severityNumber: 9,
        severityText: 'INFO',
        attributes: { 'tenant.id': 'raw-tenant' },
      },
    ]);
    const { body } = await server.api<LogsResponse>(
      `/api/v1/logs?tenant=raw-tenant&from=${since()}`,
    );
    expect(body.items[0]!.body).toBe('contact ops@example.com');
  });
});
