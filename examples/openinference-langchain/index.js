// LangChain.js traced by OpenInference, no tenantry library:
// @arizeai/openinference-instrumentation-langchain turns LangChain's callbacks into spans (the
// `support-agent` chain CHAIN, `ChatOpenAI` LLM with llm.token_count.*, `search_web` TOOL). The
// tenant is `tenant.id` on a plain OpenTelemetry root span around the chain, only there.
// Under ESM the instrumentation cannot hook `import`; manuallyInstrument(callbacks/manager) does.
//
//   OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 TENANTRY_INGEST_KEY=tnt_... node examples/openinference-langchain
import { LangChainInstrumentation } from '@arizeai/openinference-instrumentation-langchain';
import * as CallbackManagerModule from '@langchain/core/callbacks/manager';
import { HumanMessage } from '@langchain/core/messages';
import { RunnableLambda } from '@langchain/core/runnables';
import { tool } from '@langchain/core/tools';
import { ChatOpenAI } from '@langchain/openai';
import { SpanStatusCode } from '@opentelemetry/api';
import { openAIBaseUrl } from '../_shared/fake-openai.js';
import { searchWeb, startTracing, TENANTS } from '../_shared/otel-tracing.js';

// Callbacks run before the call returns (spans end in order); no LangSmith tracing.
process.env.LANGCHAIN_CALLBACKS_BACKGROUND = 'false';
process.env.LANGCHAIN_TRACING_V2 = 'false';
process.env.LANGSMITH_TRACING = 'false';

const tracing = startTracing('openinference-langchain-agent');
const instrumentation = new LangChainInstrumentation({ tracerProvider: tracing.provider });
instrumentation.manuallyInstrument(CallbackManagerModule);

const llm = await openAIBaseUrl();
const model = new ChatOpenAI({
  model: 'gpt-4o-mini',
  apiKey: process.env.OPENAI_API_KEY ?? 'sk-local-fake',
  configuration: { baseURL: llm.url },
  maxRetries: 0,
});
const jsonSchema = {
  type: 'object',
  properties: { query: { type: 'string' } },
  required: ['query'],
};

function supportAgent(failTool) {
  const searchTool = tool((args) => searchWeb(args, failTool), {
    name: 'search_web',
    description: 'Search the web',
    schema: jsonSchema,
  });
  const withTools = model.bindTools([searchTool]);
  return RunnableLambda.from(async (question, config) => {
    const messages = [new HumanMessage(question)];
    const first = await withTools.invoke(messages, config);
    messages.push(first);
    for (const call of first.tool_calls ?? []) {
      messages.push(await searchTool.invoke(call, config));
    }
    const answer = await withTools.invoke(messages, config);
    return answer.content;
  }).withConfig({ runName: 'support-agent' });
}

for (const { tenantId, failTool } of TENANTS) {
  await tracing.tracer.startActiveSpan('agent.run', async (root) => {
    root.setAttribute('tenant.id', tenantId);
    try {
      await supportAgent(failTool).invoke('How long does shipping to Lisbon take?');
      root.setStatus({ code: SpanStatusCode.OK });
    } catch (err) {
      root.recordException(err);
      root.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
    } finally {
      root.end();
    }
  });
}
await tracing.shutdown();
await llm.close();
