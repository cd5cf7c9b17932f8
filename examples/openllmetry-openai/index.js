// OpenLLMetry (Traceloop's conventions) around the official OpenAI Node SDK, no tenantry library:
// @traceloop/instrumentation-openai records the LLM calls (`openai.chat`, gen_ai.* attributes,
// prompts and completions as gen_ai.prompt.N.* / gen_ai.completion.N.*). The workflow root and the
// tool span are made by hand the way @traceloop/node-server-sdk's withWorkflow/withTool name them
// (`<name>.workflow`, `<name>.tool`, traceloop.span.kind, traceloop.entity.name), because the full
// SDK also installs every other instrumentation and its own exporter.
// The tenant is carried one of two ways (INTEROP_TENANT_VIA):
//   attribute (default)  `tenant.id` on the workflow root only;
//   association          `traceloop.association.properties.tenant_id` on every span, copied from
//                        context by a small span processor, as the node-server-sdk's processor does
//                        for withAssociationProperties({ tenant_id }).
// Under ESM the instrumentation cannot hook `import`; manuallyInstrument(OpenAI) patches it.
//
//   OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 TENANTRY_INGEST_KEY=tnt_... node examples/openllmetry-openai
import { context, createContextKey, SpanStatusCode, trace } from '@opentelemetry/api';
import { OpenAIInstrumentation } from '@traceloop/instrumentation-openai';
import OpenAI from 'openai';
import { openAIBaseUrl } from '../_shared/fake-openai.js';
import { searchWeb, startTracing, TENANTS } from '../_shared/otel-tracing.js';

const via = process.env.INTEROP_TENANT_VIA ?? 'attribute';
const ASSOCIATION = createContextKey('association_properties');
// What @traceloop/node-server-sdk's span processor does with withAssociationProperties().
const associationProcessor = {
  onStart(span, ctx) {
    for (const [k, v] of Object.entries(ctx.getValue(ASSOCIATION) ?? {})) {
      span.setAttribute(`traceloop.association.properties.${k}`, v);
    }
  },
  onEnd() {},
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
};
const tracing = startTracing('openllmetry-openai-agent', {
  extraProcessors: via === 'association' ? [associationProcessor] : [],
});
const instrumentation = new OpenAIInstrumentation({ traceContent: true });
instrumentation.setTracerProvider(tracing.provider);
instrumentation.manuallyInstrument(OpenAI);
const tracer = trace.getTracer('traceloop.tracer');

const llm = await openAIBaseUrl();
const client = new OpenAI({
  baseURL: llm.url,
  apiKey: process.env.OPENAI_API_KEY ?? 'sk-local-fake',
});
const tools = [
  {
    type: 'function',
    function: {
      name: 'search_web',
      description: 'Search the web',
      parameters: {
        type: 'object',
        properties: { query: { type: 'string' } },
        required: ['query'],
      },
    },
  },
];

/** withWorkflow / withTool of @traceloop/node-server-sdk, reduced to their span shape. */
function withEntity(kind, name, attributes, fn) {
  return tracer.startActiveSpan(
    `${name}.${kind}`,
    {
      attributes: {
        'traceloop.span.kind': kind,
        'traceloop.entity.name': name,
        'traceloop.workflow.name': 'support',
        ...attributes,
      },
    },
    async (span) => {
      try {
        const out = await fn();
        span.setAttribute('traceloop.entity.output', JSON.stringify(out));
        return out;
      } catch (err) {
        span.recordException(err);
        span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
        throw err;
      } finally {
        span.end();
      }
    },
  );
}

async function support(question, failTool) {
  const messages = [{ role: 'user', content: question }];
  const first = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, tools });
  const call = first.choices[0].message.tool_calls?.[0];
  if (!call) return first.choices[0].message.content;
  const args = JSON.parse(call.function.arguments);
  const result = await withEntity(
    'tool',
    'search_web',
    { 'traceloop.entity.input': JSON.stringify(args) },
    () => searchWeb(args, failTool),
  );
  messages.push(first.choices[0].message, { role: 'tool', tool_call_id: call.id, content: result });
  const second = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, tools });
  return second.choices[0].message.content;
}

for (const { tenantId, failTool } of TENANTS) {
  const ctx =
    via === 'association'
      ? context.active().setValue(ASSOCIATION, { tenant_id: tenantId })
      : context.active();
  const rootAttributes = via === 'attribute' ? { 'tenant.id': tenantId } : {};
  await context
    .with(ctx, () =>
      withEntity('workflow', 'support', rootAttributes, () =>
        support('How long does shipping to Lisbon take?', failTool),
      ),
    )
    .catch(() => {});
}
await tracing.shutdown();
await llm.close();
