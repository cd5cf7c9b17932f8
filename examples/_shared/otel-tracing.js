// Plain OpenTelemetry JS tracing for the third-party interop examples (no @tenantry/sdk): a
// NodeTracerProvider registered globally, whose spans go
//   - to a tenantry server over OTLP/HTTP protobuf when OTEL_EXPORTER_OTLP_ENDPOINT is set
//     (TENANTRY_INGEST_KEY becomes the bearer token; OTEL_EXPORTER_OTLP_HEADERS works too),
//   - to a JSON file when INTEROP_DUMP=<path> is set (every span: name, kind, ids, status,
//     attributes, resource attributes, events),
//   - else to stdout, one JSON span a line.
// `simple: true` exports each span as it ends, in its own request, so children reach the server
// before their root (the order a plain SDK with SimpleSpanProcessor produces). `extraProcessors`
// run first (an example's own enrichment, as a vendor SDK's processor would do).
import { writeFileSync } from 'node:fs';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

const hrToNanos = ([s, ns]) => (BigInt(s) * 1_000_000_000n + BigInt(ns)).toString();

/** One finished span as plain JSON. */
export function spanToJson(s) {
  const ctx = s.spanContext();
  return {
    name: s.name,
    kind: s.kind,
    traceId: ctx.traceId,
    spanId: ctx.spanId,
    parentSpanId: s.parentSpanContext?.spanId ?? null,
    status: s.status,
    startTimeUnixNano: hrToNanos(s.startTime),
    endTimeUnixNano: hrToNanos(s.endTime),
    scope: { name: s.instrumentationScope.name, version: s.instrumentationScope.version ?? null },
    attributes: s.attributes,
    resourceAttributes: s.resource.attributes,
    events: s.events.map((e) => ({ name: e.name, attributes: e.attributes ?? {} })),
    links: s.links.map((l) => ({ traceId: l.context.traceId, spanId: l.context.spanId })),
  };
}

class JsonLinesExporter {
  export(spans, done) {
    for (const s of spans) process.stdout.write(`${JSON.stringify(spanToJson(s))}\n`);
    done({ code: 0 });
  }
  shutdown() {
    return Promise.resolve();
  }
}

export function startTracing(serviceName, { simple = false, extraProcessors = [] } = {}) {
  const processors = [...extraProcessors];
  const memory = new InMemorySpanExporter();
  const dump = process.env.INTEROP_DUMP;
  if (process.env.OTEL_EXPORTER_OTLP_ENDPOINT) {
    const key = process.env.TENANTRY_INGEST_KEY;
    const exporter = new OTLPTraceExporter(
      key ? { headers: { authorization: `Bearer ${key}` } } : {},
    );
    processors.push(simple ? new SimpleSpanProcessor(exporter) : new BatchSpanProcessor(exporter));
  }
  if (dump) processors.push(new SimpleSpanProcessor(memory));
  if (!process.env.OTEL_EXPORTER_OTLP_ENDPOINT && !dump) {
    processors.push(new SimpleSpanProcessor(new JsonLinesExporter()));
  }
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    spanProcessors: processors,
  });
  provider.register();
  return {
    provider,
    tracer: provider.getTracer(serviceName),
    async shutdown() {
      await provider.forceFlush();
      if (dump) {
        const spans = memory.getFinishedSpans().map(spanToJson);
        writeFileSync(dump, `${JSON.stringify(spans, null, 2)}\n`);
      }
      await provider.shutdown();
    },
  };
}

/** The two tenants every interop example runs: acme's tool call fails, globex's succeeds. */
export const TENANTS = [
  { tenantId: 'acme', failTool: true },
  { tenantId: 'globex', failTool: false },
];

/** The tool every example's agent calls: a web search that fails for `failTool` tenants. */
export async function searchWeb({ query }, failTool) {
  if (failTool) throw new Error('search_web: 429 Too Many Requests (rate limited)');
  return `3 results for "${query}": shipping takes 3-5 business days`;
}
