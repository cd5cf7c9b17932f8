// The OpenAI Agents SDK's own tracing, exported as OpenTelemetry spans, no tenantry library:
// @openai/agents records runs, agents, generations and function calls through its TracingProcessor
// API; @arizeai/openinference-instrumentation-openai-agents is such a processor that turns them
// into OpenInference spans on our OTel provider. `manuallyInstrument(agents)` registers it as the
// ONLY processor, so the SDK's default exporter to the OpenAI platform is gone (nothing leaves the
// machine). The tenant is `tenant.id` on a plain OpenTelemetry root span around the run, only
// there. The model talks Chat Completions to the local fake (OPENAI_BASE_URL overrides it).
//
//   OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 TENANTRY_INGEST_KEY=tnt_... node examples/openai-agents
import { OpenAIAgentsInstrumentation } from '@arizeai/openinference-instrumentation-openai-agents';
import * as agents from '@openai/agents';
import { SpanStatusCode } from '@opentelemetry/api';
import OpenAI from 'openai';
import { z } from 'zod';
import { openAIBaseUrl } from '../_shared/fake-openai.js';
import { searchWeb, startTracing, TENANTS } from '../_shared/otel-tracing.js';

const tracing = startTracing('openai-agents-app');
const instrumentation = new OpenAIAgentsInstrumentation({ tracerProvider: tracing.provider });
instrumentation.manuallyInstrument(agents);

const llm = await openAIBaseUrl();
agents.setDefaultOpenAIClient(
  new OpenAI({ baseURL: llm.url, apiKey: process.env.OPENAI_API_KEY ?? 'sk-local-fake' }),
);
agents.setOpenAIAPI('chat_completions');

function supportAgent(failTool) {
  const searchTool = agents.tool({
    name: 'search_web',
    description: 'Search the web',
    parameters: z.object({ query: z.string() }),
    execute: (args) => searchWeb(args, failTool),
  });
  return new agents.Agent({
    name: 'support',
    instructions: 'Answer shipping questions; search the web first.',
    model: 'gpt-4o-mini',
    tools: [searchTool],
  });
}

for (const { tenantId, failTool } of TENANTS) {
  await tracing.tracer.startActiveSpan('agent.run', async (root) => {
    root.setAttribute('tenant.id', tenantId);
    try {
      await agents.run(supportAgent(failTool), 'How long does shipping to Lisbon take?');
      root.setStatus({ code: SpanStatusCode.OK });
    } catch (err) {
      root.recordException(err);
      root.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
    } finally {
      root.end();
    }
  });
}
await agents.getGlobalTraceProvider().forceFlush();
await tracing.shutdown();
await llm.close();
