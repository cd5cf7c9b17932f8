// The Vercel AI SDK with `experimental_telemetry`: the AI SDK creates its own OpenTelemetry spans
// (ai.generateText, ai.generateText.doGenerate with gen_ai.* usage) on the global tracer that
// tenantry's init() registers, and they get tenant.id because they start inside agentRun().
// Run `npm run build` once, then `node examples/vercel-ai` (OPENAI_BASE_URL defaults to a local fake).
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { agentRun, init } from '@tenantry/sdk';
import { generateText } from 'ai';
import { openAIBaseUrl } from '../_shared/fake-openai.js';

const toOtlp = Boolean(process.env.OTEL_EXPORTER_OTLP_ENDPOINT);
const tenantry = init({
  serviceName: 'vercel-ai-example',
  exporter: toOtlp ? 'otlp' : 'console',
  consoleFormat: 'json',
  apiKey: process.env.TENANTRY_INGEST_KEY,
});

const llm = await openAIBaseUrl();
const provider = createOpenAICompatible({
  name: 'openai',
  baseURL: llm.url,
  apiKey: process.env.OPENAI_API_KEY ?? 'sk-local-fake',
});

for (const tenantId of ['acme', 'globex']) {
  await agentRun({ tenantId, agentId: 'writer-v1', agentName: 'writer' }, () =>
    generateText({
      model: provider('gpt-4o-mini'),
      prompt: `Draft a reply to ${tenantId}'s customer about a late delivery.`,
      // recordInputs/recordOutputs off: prompts and answers stay out of the spans (PII), the
      // token usage and model still go in.
      experimental_telemetry: {
        isEnabled: true,
        functionId: 'draft-reply',
        recordInputs: false,
        recordOutputs: false,
      },
    }),
  );
}
await tenantry.shutdown();
await llm.close();
