// An agent that does not use @tenantry/sdk: plain OpenTelemetry, configured only by the standard
// OTEL_* environment variables, the way a Python or Go agent would send to tenantry. What it must
// do by hand is what the SDK does for you: `tenant.id` on every span, gen_ai.* names and attributes.
//
//   OTEL_SERVICE_NAME=otel-env-agent \
//   OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 \
//   OTEL_EXPORTER_OTLP_HEADERS="Authorization=Bearer%20tnt_..." \
//   OTEL_TRACES_EXPORTER=otlp OTEL_METRICS_EXPORTER=none OTEL_LOGS_EXPORTER=none \
//   node examples/otel-env
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { NodeSDK } from '@opentelemetry/sdk-node';

// Unconfigured, the OTel SDK would send to localhost:4318 without a key and fail with a stack
// trace; say what to set instead.
if (!process.env.OTEL_EXPORTER_OTLP_ENDPOINT || !process.env.OTEL_EXPORTER_OTLP_HEADERS) {
  process.stderr.write(
    'examples/otel-env is configured only by environment variables. Set:\n' +
      '  OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318\n' +
      '  OTEL_EXPORTER_OTLP_HEADERS="Authorization=Bearer%20<ingest key from tenantry up>"\n' +
      '  OTEL_TRACES_EXPORTER=otlp OTEL_METRICS_EXPORTER=none OTEL_LOGS_EXPORTER=none\n',
  );
  process.exit(2);
}

const sdk = new NodeSDK();
sdk.start();
const tracer = trace.getTracer('otel-env-agent');

async function run(tenantId, question) {
  await tracer.startActiveSpan(
    'invoke_agent support',
    {
      attributes: {
        'tenant.id': tenantId,
        'gen_ai.operation.name': 'invoke_agent',
        'gen_ai.agent.id': 'support-v1',
        'gen_ai.agent.name': 'support',
      },
    },
    async (root) => {
      tracer.startActiveSpan(
        'execute_tool lookup_order',
        {
          attributes: {
            'tenant.id': tenantId,
            'gen_ai.operation.name': 'execute_tool',
            'gen_ai.tool.name': 'lookup_order',
            'gen_ai.tool.call.arguments': JSON.stringify({ orderId: 'A-1001' }),
          },
        },
        (tool) => tool.end(),
      );
      tracer.startActiveSpan(
        'chat gpt-4o-mini',
        {
          kind: SpanKind.CLIENT,
          attributes: {
            'tenant.id': tenantId,
            'gen_ai.operation.name': 'chat',
            'gen_ai.provider.name': 'openai',
            'gen_ai.request.model': 'gpt-4o-mini',
            'gen_ai.usage.input_tokens': 20 + question.length,
            'gen_ai.usage.output_tokens': 42,
          },
        },
        (chat) => chat.end(),
      );
      root.setStatus({ code: SpanStatusCode.OK });
      root.end();
    },
  );
}

await run('acme', 'Where is my order?');
await run('globex', 'Can I change my plan?');
await sdk.shutdown();
