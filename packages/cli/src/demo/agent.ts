/**
 * One agent run of one simulated tenant, instrumented with @tenantry/sdk the way a real platform
 * would be: root span with the tenant, memory, KB retrieval, tools (two of them in the worker
 * service, over HTTP), a sub-agent over the in-process queue, LLM calls, and JSON logs.
 */
import {
  agentRun,
  getLogger,
  llmCall,
  memoryOp,
  retrieval,
  subAgent,
  toolCall,
} from '@tenantry/sdk';
import { type ChatMessage, callWorker, chat, HttpError } from './clients.js';
import type { RunClock } from './clock.js';
import { isDraining } from './fake-llm.js';
import type { SubAgentQueue } from './queue.js';
import type { TenantProfile } from './tenants.js';
import type { TimeShiftRegistry } from './time-shift.js';

export interface PlatformDeps {
  llmUrl: string;
  workerUrl: string;
  /** The worker build that serves this tenant's account data (a tenant's cell after a deploy). */
  accountUrl(tenantId: string): string;
  queue: SubAgentQueue;
  registry: TimeShiftRegistry;
}

/** What the platform knows after a run: enough for its user to mark the answer. */
export interface RunOutcome {
  status: 'ok' | 'error';
  traceId: string;
  spanId: string;
  /** The answer quoted account data the cache should have invalidated (a wrong answer). */
  staleAnswer: boolean;
}

/** get_account_data's cache refused an entry (the worker answered 409 with its type). */
export class StaleCacheError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StaleCacheError';
  }
}

const log = getLogger({ destination: { write: () => true } });
const MAX_AGENT_STEPS = 30;
/** Fresh entries are seconds old; anything older than this was not invalidated. */
const FRESH_LIMIT_SECONDS = 120;

const QUESTIONS: Record<TenantProfile['agent'], string[]> = {
  support: [
    'How do I reset my password?',
    'My export to CSV keeps failing, can you check? I am jane.doe@example.com',
    'Can I add two more seats to my team?',
    'What is the SLA on the business plan?',
  ],
  billing: [
    'Why was I charged twice this month?',
    'What is my current balance and open invoices?',
    'Can you move me to annual billing? Card ends 4242',
    'Which plan am I on and when does it renew?',
  ],
  research: [
    'Summarise competitor pricing changes this quarter',
    'Find recent papers on retrieval augmented generation evaluation',
    'What are the main EU AI Act obligations for a chatbot vendor?',
  ],
  orders: [
    'Where is order D-4471?',
    'Change the delivery address of my last order',
    'Cancel order D-5120',
  ],
};

/** Needs account data: every billing question, some support ones. */
function needsAccount(profile: TenantProfile, question: string): boolean {
  return profile.agent === 'billing'
    ? !question.startsWith('Can you move') || Math.random() < 0.5
    : /seats|SLA/.test(question);
}

function pick<T>(list: readonly T[]): T {
  return list[Math.floor(Math.random() * list.length)] as T;
}

const FILLER =
  'Customer record, product documentation excerpt and policy text that the platform puts into the prompt as context. ';

function context(chars: number): string {
  return FILLER.repeat(Math.ceil(chars / FILLER.length)).slice(0, chars);
}

export async function runAgent(
  deps: PlatformDeps,
  profile: TenantProfile,
  clock: RunClock,
  /** This run hits the noisy neighbour's bug. */
  loop = false,
): Promise<RunOutcome> {
  const outcome: RunOutcome = { status: 'ok', traceId: '', spanId: '', staleAnswer: false };
  const question = pick(QUESTIONS[profile.agent]);
  const userId = `user-${1 + Math.floor(Math.random() * 40)}`;
  const conversationId = `conv-${Math.random().toString(36).slice(2, 10)}`;
  try {
    await agentRun(
      {
        tenantId: profile.id,
        agentId: `${profile.agent}-agent-v3`,
        agentName: `${profile.agent}-agent`,
        userId,
        conversationId,
        input: question,
      },
      async (run) => {
        outcome.traceId = run.traceId;
        outcome.spanId = run.spanId;
        if (clock.virtual) deps.registry.register(run.traceId, clock);
        log.info({ agent_kind: profile.agent, model: profile.model }, 'run started');
        const ask = (messages: ChatMessage[]) =>
          llmCall({ model: profile.model, provider: profile.provider }, () =>
            chat(deps.llmUrl, clock, profile.model, messages),
          );

        const history = await memoryOp(
          { store: 'conversations', operation: 'read', key: userId },
          async () => {
            await clock.wait(3 + Math.random() * 6);
            return Math.floor(Math.random() * 6);
          },
        );
        const docs = await retrieval({ query: question, source: 'kb', topK: 4 }, async () => {
          await clock.wait(40 + Math.random() * 80);
          return Array.from({ length: 1 + Math.floor(Math.random() * 4) }, () => context(1200));
        });
        const messages: ChatMessage[] = [
          {
            role: 'system',
            content: `You are the ${profile.agent} agent of ${profile.id}. ${context(1500)}`,
          },
          {
            role: 'user',
            content: `${question}\n\nContext:\n${docs.join('\n')}\nEarlier turns: ${history}`,
          },
        ];
        await ask(messages);

        if (needsAccount(profile, question)) {
          const accountId = `${profile.id}-acct-${userId}`;
          const account = await toolCall(
            { name: 'get_account_data', args: { accountId } },
            async (span) => {
              const out = await callWorker<{ data: unknown; cacheAgeSeconds: number }>(
                deps.accountUrl(profile.id),
                clock,
                '/tools/get_account_data',
                { accountId },
              ).catch((err: unknown) => {
                throw err instanceof HttpError && err.status === 409
                  ? new StaleCacheError(workerMessage(err.body) ?? err.message)
                  : err;
              });
              span.setAttribute('tenantry.cache.age_seconds', out.cacheAgeSeconds);
              return out;
            },
          );
          outcome.staleAnswer = account.cacheAgeSeconds > FRESH_LIMIT_SECONDS;
          messages.push({ role: 'tool', content: JSON.stringify(account.data) });
        }

        if (profile.agent === 'research' || Math.random() < 0.25) {
          const results = await searchWeb(deps, clock, question);
          messages.push({ role: 'tool', content: results.join('\n') });
        }

        if (loop) {
          await orderLoop(profile, clock, messages, ask);
        }

        if (profile.agent === 'research' || Math.random() < 0.3) {
          // A summariser sub-agent, started through the queue rather than called directly.
          const summary = await deps.queue.submit(() =>
            subAgent({ agentId: 'summarizer-v2', agentName: 'summarizer' }, () =>
              llmCall({ model: 'gpt-4o-mini', provider: 'openai' }, () =>
                chat(deps.llmUrl, clock, 'gpt-4o-mini', [
                  { role: 'system', content: 'Summarise the material in five bullet points.' },
                  {
                    role: 'user',
                    content: messages
                      .map((m) => m.content)
                      .join('\n')
                      .slice(0, 6000),
                  },
                ]),
              ),
            ),
          );
          messages.push({ role: 'assistant', content: summary.choices[0]?.message.content ?? '' });
        }

        const answer = await ask([
          ...messages,
          { role: 'user', content: 'Write the final answer.' },
        ]);
        await memoryOp({ store: 'conversations', operation: 'write', key: userId }, () =>
          clock.wait(4 + Math.random() * 8),
        );
        log.info({ answer_chars: answer.choices[0]?.message.content.length ?? 0 }, 'run finished');
      },
    );
    return outcome;
  } catch {
    return { ...outcome, status: 'error' };
  }
}

function workerMessage(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown } };
    return typeof parsed.error?.message === 'string' ? parsed.error.message : undefined;
  } catch {
    return undefined;
  }
}

/** search_web in the worker; a 429 is retried twice with backoff, then the run goes on without. */
async function searchWeb(deps: PlatformDeps, clock: RunClock, query: string): Promise<string[]> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await toolCall({ name: 'search_web', args: { query } }, async () => {
        const out = await callWorker<{ results: string[] }>(
          deps.workerUrl,
          clock,
          '/tools/search_web',
          { query },
        );
        return out.results;
      });
    } catch (err) {
      if (!(err instanceof HttpError) || err.status !== 429) throw err;
      log.warn(
        { attempt: attempt + 1, tool: 'search_web' },
        'search_web rate-limited, backing off',
      );
      await clock.wait(500 * 2 ** attempt);
    }
  }
  return [];
}

/**
 * The noisy neighbour's bug: the order agent never sees the status it waits for, so it calls the
 * same tool with the same arguments again and again, the context (and tokens) growing each step,
 * until the step limit stops it and it answers anyway.
 */
async function orderLoop(
  profile: TenantProfile,
  clock: RunClock,
  messages: ChatMessage[],
  ask: (messages: ChatMessage[]) => Promise<unknown>,
): Promise<void> {
  const args = { orderId: 'D-4471', field: 'delivery_status' };
  for (let step = 0; step < MAX_AGENT_STEPS && !isDraining(); step++) {
    const status = await toolCall({ name: 'lookup_order', args }, async () => {
      await clock.wait(30 + Math.random() * 40);
      return { orderId: args.orderId, status: 'pending', note: context(2000) };
    });
    messages.push({ role: 'tool', content: JSON.stringify(status) });
    await ask(messages);
  }
  log.warn(
    { steps: MAX_AGENT_STEPS, tool: 'lookup_order', model: profile.model },
    'agent hit its step limit, answering anyway',
  );
}
