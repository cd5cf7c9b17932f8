// The per-tenant observability guide's Step 1, done with the official OpenTelemetry JS SDK and
// nothing from tenantry: a root span `agent.run` with `tenant.id` set on the root ONLY, children
// `call LLM` (model and token counts) and `execute tool: search_web` (error status when it fails).
// Spans are exported one by one as they end, so the children reach the server before their root:
// tenantry has to give them the root's tenant.
//
//   OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 TENANTRY_INGEST_KEY=tnt_... node examples/plain-otel
//
// (OPENAI_BASE_URL defaults to a local fake LLM; without an endpoint spans are printed as JSON.)
import { SpanStatusCode } from '@opentelemetry/api';
import { openAIBaseUrl } from '../_shared/fake-openai.js';
import { searchWeb, startTracing, TENANTS } from '../_shared/otel-tracing.js';

const tracing = startTracing('plain-otel-agent', { simple: true });
const tracer = tracing.tracer;
const llm = await openAIBaseUrl();

async function callLlm(messages) {
  return tracer.startActiveSpan('call LLM', async (span) => {
    const res = await fetch(`${llm.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-local-fake' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages }),
    });
    const body = await res.json();
    span.setAttribute('gen_ai.request.model', 'gpt-4o-mini');
    span.setAttribute('gen_ai.usage.input_tokens', body.usage.prompt_tokens);
    span.setAttribute('gen_ai.usage.output_tokens', body.usage.completion_tokens);
    span.end();
    return body.choices[0].message.content;
  });
}

async function handleAgentRequest(tenantId, userMessage, failTool) {
  return tracer.startActiveSpan('agent.run', async (root) => {
    root.setAttribute('tenant.id', tenantId);
    root.setAttribute('agent.input', userMessage.slice(0, 500));
    try {
      const plan = await callLlm([{ role: 'user', content: userMessage }]);
      const found = await tracer.startActiveSpan('execute tool: search_web', async (span) => {
        try {
          return await searchWeb({ query: plan }, failTool);
        } catch (err) {
          span.recordException(err);
          span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
          throw err;
        } finally {
          span.end();
        }
      });
      const answer = await callLlm([
        { role: 'user', content: userMessage },
        { role: 'user', content: `Search results: ${found}` },
      ]);
      root.setStatus({ code: SpanStatusCode.OK });
      return answer;
    } catch (err) {
      root.recordException(err);
      root.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
      return null;
    } finally {
      root.end();
    }
  });
}

for (const { tenantId, failTool } of TENANTS) {
  await handleAgentRequest(tenantId, 'How long does shipping to Lisbon take?', failTool);
}
await tracing.shutdown();
await llm.close();
