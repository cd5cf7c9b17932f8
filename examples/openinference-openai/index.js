// OpenInference (Arize Phoenix's conventions) around the official OpenAI Node SDK, no tenantry
// library: @arizeai/openinference-instrumentation-openai records the LLM calls
// (`OpenAI Chat Completions`, openinference.span.kind=LLM, llm.token_count.*), and
// @arizeai/openinference-core's wrappers make the agent root (AGENT) and the tool span (TOOL).
// The tenant is carried one of two ways (INTEROP_TENANT_VIA):
//   attribute (default)  `tenant.id` on the agent root span only;
//   metadata             OpenInference metadata in context, setMetadata({ tenant_id }): every
//                        OpenInference span gets `metadata` = '{"tenant_id":"acme"}', no tenant.id.
// Under ESM the instrumentation cannot hook `import`; manuallyInstrument(openai module) patches it.
//
//   OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 TENANTRY_INGEST_KEY=tnt_... node examples/openinference-openai
import { setMetadata, traceAgent, traceTool } from '@arizeai/openinference-core';
import { OpenAIInstrumentation } from '@arizeai/openinference-instrumentation-openai';
import { context } from '@opentelemetry/api';
import * as openaiModule from 'openai';
import { openAIBaseUrl } from '../_shared/fake-openai.js';
import { searchWeb, startTracing, TENANTS } from '../_shared/otel-tracing.js';

const via = process.env.INTEROP_TENANT_VIA ?? 'attribute';
const tracing = startTracing('openinference-openai-agent');
const instrumentation = new OpenAIInstrumentation({ tracerProvider: tracing.provider });
instrumentation.manuallyInstrument(openaiModule);

const llm = await openAIBaseUrl();
const client = new openaiModule.OpenAI({
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

async function support(question, failTool = false) {
  const messages = [{ role: 'user', content: question }];
  const first = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, tools });
  const call = first.choices[0].message.tool_calls?.[0];
  if (!call) return first.choices[0].message.content;
  const tool = traceTool((args) => searchWeb(args, failTool), { name: 'search_web' });
  const result = await tool(JSON.parse(call.function.arguments));
  messages.push(first.choices[0].message, { role: 'tool', tool_call_id: call.id, content: result });
  const second = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, tools });
  return second.choices[0].message.content;
}

for (const { tenantId, failTool } of TENANTS) {
  const agent = traceAgent((question) => support(question, failTool), {
    name: 'support-agent',
    ...(via === 'attribute' ? { attributes: { 'tenant.id': tenantId } } : {}),
  });
  const ctx =
    via === 'metadata' ? setMetadata(context.active(), { tenant_id: tenantId }) : context.active();
  // The tool failure propagates: the agent span records it and ends with ERROR.
  await context.with(ctx, () => agent('How long does shipping to Lisbon take?')).catch(() => {});
}
await tracing.shutdown();
await llm.close();
