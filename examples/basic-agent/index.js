// A small support agent instrumented with @tenantry/sdk. Run `npm run build` once, then
// `node examples/basic-agent`: it answers two tenants' questions and prints each run's trace tree.
// With OTEL_EXPORTER_OTLP_ENDPOINT (e.g. a tenantry server) and TENANTRY_INGEST_KEY set, spans, logs
// and metrics go there over OTLP instead.
import {
  agentRun,
  getLogger,
  init,
  llmCall,
  memoryOp,
  retrieval,
  subAgent,
  toolCall,
} from '@tenantry/sdk';

const tenantry = init({ serviceName: 'basic-agent', apiKey: process.env.TENANTRY_INGEST_KEY });
const log = getLogger();

// Stand-in for a model provider (no network needed): answers in the OpenAI chat completion shape,
// from which llmCall reads token usage, response model and finish reasons.
async function fakeModel(prompt) {
  await new Promise((resolve) => setTimeout(resolve, 5));
  const words = prompt.split(/\s+/).length;
  return {
    model: 'gpt-4o-mini-2024-07-18',
    choices: [{ message: { content: `Answer to: ${prompt}` }, finish_reason: 'stop' }],
    usage: { prompt_tokens: words * 4, completion_tokens: 12 },
  };
}

const memory = new Map();
const orders = { 'A-1001': 'shipped', 'B-2002': 'delayed' };

async function supportAgent({ tenantId, userId, question, orderId }) {
  return agentRun(
    { tenantId, agentId: 'support-v1', agentName: 'support', userId, input: question },
    async () => {
      const history = await memoryOp(
        { store: 'conversations', operation: 'read', key: userId },
        async () => memory.get(`${tenantId}:${userId}`) ?? [],
      );
      const docs = await retrieval({ query: question, source: 'help-center', topK: 3 }, async () =>
        ['Shipping takes 3-5 days', 'Refunds within 30 days'].slice(0, 2),
      );
      const status = await toolCall(
        { name: 'order_status', args: { orderId, contact: 'jane.doe@example.com' } },
        async () => orders[orderId] ?? 'unknown',
      );
      log.info({ order_id: orderId, status, docs: docs.length }, 'order looked up');
      const summary = await subAgent({ agentId: 'summarizer-v1', agentName: 'summarizer' }, () =>
        llmCall({ model: 'gpt-4o-mini', provider: 'openai' }, () =>
          fakeModel(`Summarize ${history.length} earlier messages`),
        ),
      );
      const reply = await llmCall({ model: 'gpt-4o-mini', provider: 'openai' }, () =>
        fakeModel(`${question} (order ${status}; ${summary.choices[0].message.content})`),
      );
      await memoryOp({ store: 'conversations', operation: 'write', key: userId }, async () => {
        memory.set(`${tenantId}:${userId}`, [...history, question]);
      });
      return reply.choices[0].message.content;
    },
  );
}

const answers = await Promise.all([
  supportAgent({
    tenantId: 'acme',
    userId: 'u-1',
    question: 'Where is my order?',
    orderId: 'A-1001',
  }),
  supportAgent({
    tenantId: 'globex',
    userId: 'u-7',
    question: 'Why is it late?',
    orderId: 'B-2002',
  }),
]);
for (const answer of answers) log.info({ answer }, 'agent replied');
await tenantry.shutdown();
