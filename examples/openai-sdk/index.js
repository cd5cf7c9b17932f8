// The official OpenAI Node SDK traced two ways, with the tenant on every span:
//   1. llmCall() around the call: tenantry reads usage, response model and finish reasons from
//      the SDK's response object;
//   2. @opentelemetry/instrumentation-openai: its own `chat {model}` spans, which get tenant.id
//      from tenantry's stamping processor because they start inside agentRun().
// Run `npm run build` once, then `node examples/openai-sdk` (OPENAI_BASE_URL defaults to a local
// fake; set OTEL_EXPORTER_OTLP_ENDPOINT and TENANTRY_INGEST_KEY to send to a tenantry server).
import { createRequire } from 'node:module';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { OpenAIInstrumentation } from '@opentelemetry/instrumentation-openai';
import { agentRun, init, llmCall } from '@tenantry/sdk';
import { openAIBaseUrl } from '../_shared/fake-openai.js';

const toOtlp = Boolean(process.env.OTEL_EXPORTER_OTLP_ENDPOINT);
const tenantry = init({
  serviceName: 'openai-sdk-example',
  exporter: toOtlp ? 'otlp' : 'console',
  consoleFormat: 'json',
  apiKey: process.env.TENANTRY_INGEST_KEY,
});
const instrumentation = new OpenAIInstrumentation();
registerInstrumentations({ instrumentations: [instrumentation] });
// The instrumentation patches the CommonJS entry of `openai`; load it after registering.
const { default: OpenAI } = createRequire(import.meta.url)('openai');

const llm = await openAIBaseUrl();
const client = new OpenAI({
  baseURL: llm.url,
  apiKey: process.env.OPENAI_API_KEY ?? 'sk-local-fake',
});
const ask = (content) =>
  client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] });

// Pick one way per call site: both at once would record the same call (and its tokens) twice.
// 1. llmCall() around the SDK call, instrumentation off.
instrumentation.disable();
for (const tenantId of ['acme', 'globex']) {
  await agentRun({ tenantId, agentId: 'support-v1', agentName: 'support' }, () =>
    llmCall({ model: 'gpt-4o-mini', provider: 'openai' }, () =>
      ask(`Where is my order? (${tenantId})`),
    ),
  );
}
// 2. Plain SDK calls; the instrumentation's spans are stamped with the run's tenant.
instrumentation.enable();
for (const tenantId of ['acme', 'globex']) {
  await agentRun({ tenantId, agentId: 'summarizer-v1', agentName: 'summarizer' }, () =>
    ask('Summarise the conversation.'),
  );
}
await tenantry.shutdown();
await llm.close();
