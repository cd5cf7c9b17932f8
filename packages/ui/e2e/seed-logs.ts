import type { Attributes } from '@opentelemetry/api';
import { context, type Span, trace } from '@opentelemetry/api';
import type { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';

/** Trace-correlated log records for the e2e seed, sent with the OpenTelemetry logs SDK. */

export interface LogLine {
  span: Span;
  tenant: string;
  at: number;
  severity: SeverityNumber;
  text: string;
  body: string;
  attrs?: Attributes;
}

export async function sendLogs(baseUrl: string, key: string, lines: LogLine[]): Promise<void> {
  const exporter = new OTLPLogExporter({
    url: `${baseUrl}/v1/logs`,
    headers: { authorization: `Bearer ${key}` },
  });
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'support-platform' }),
    processors: [new SimpleLogRecordProcessor({ exporter })],
  });
  const logger = provider.getLogger('tenantry-e2e');
  for (const l of lines) {
    logger.emit({
      timestamp: l.at,
      severityNumber: l.severity,
      severityText: l.text,
      body: l.body,
      attributes: { 'tenant.id': l.tenant, ...l.attrs },
      context: trace.setSpan(context.active(), l.span),
    });
  }
  await provider.forceFlush();
  await provider.shutdown();
}
