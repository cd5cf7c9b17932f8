// The Vercel AI SDK's own OpenTelemetry spans with a plain OTel SDK, no tenantry library (no
// agentRun): `experimental_telemetry: { isEnabled, metadata: { tenant_id } }` puts the tenant on
// the AI SDK's spans as `ai.telemetry.metadata.tenant_id`. Each generateText call is its own
// trace: ai.generateText (root) > ai.generateText.doGenerate (per step, gen_ai.usage.*) and
// ai.toolCall (search_web). A tool that throws does not fail the call: the SDK hands the error
// to the model as a tool-error result and the model answers.
//
//   OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 TENANTRY_INGEST_KEY=tnt_... node examples/vercel-ai-otel
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { generateText, jsonSchema, stepCountIs, tool } from 'ai';
import { openAIBaseUrl } from '../_shared/fake-openai.js';
import { searchWeb, startTracing, TENANTS } from '../_shared/otel-tracing.js';

const tracing = startTracing('vercel-ai-agent');
const llm = await openAIBaseUrl();
const provider = createOpenAICompatible({
  name: 'openai',
  baseURL: llm.url,
  apiKey: process.env.OPENAI_API_KEY ?? 'sk-local-fake',
  includeUsage: true,
});

for (const { tenantId, failTool } of TENANTS) {
  await generateText({
    model: provider('gpt-4o-mini'),
    prompt: 'How long does shipping to Lisbon take?',
    tools: {
      search_web: tool({
        description: 'Search the web',
        inputSchema: jsonSchema({
          type: 'object',
          properties: { query: { type: 'string' } },
          required: ['query'],
        }),
        execute: (args) => searchWeb(args, failTool),
      }),
    },
    stopWhen: stepCountIs(3),
    experimental_telemetry: {
      isEnabled: true,
      functionId: 'support-agent',
      metadata: { tenant_id: tenantId },
    },
  });
}
await tracing.shutdown();
await llm.close();
