import { type AlertNotification, jsonPayload, slackPayload } from './payload.js';
import type { WebhookConfig } from './section.js';

/**
 * Webhook delivery, off the evaluation path: `notify()` only enqueues. A bounded queue, a few
 * concurrent senders, a timeout per attempt and exponential backoff between attempts mean a slow
 * or dead receiver costs memory bounded by `maxQueue` and never an evaluation's time.
 */

export interface ReceiverStats {
  /** Index and host only: webhook URLs (Slack's especially) carry secrets in the path. */
  receiver: string;
  format: 'json' | 'slack';
  sent: number;
  failed: number;
  retries: number;
}

export interface NotifierStats {
  queued: number;
  inFlight: number;
  sent: number;
  /** Deliveries given up after the last attempt (or refused with a 4xx). */
  failed: number;
  retries: number;
  /** Dropped because the queue was full. */
  dropped: number;
  deduplicated: number;
  lastError: { receiver: string; message: string; at: string } | null;
  receivers: ReceiverStats[];
}

export interface AlertNotifier {
  /** Never throws, never waits on the network. */
  notify(notification: AlertNotification): void;
  stats(): NotifierStats;
  /** Resolves once nothing is queued, in flight or waiting for a retry (tests, shutdown). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export interface WebhookNotifierOptions {
  webhooks: readonly WebhookConfig[];
  maxQueue?: number;
  maxAttempts?: number;
  backoffMs?: number;
  maxBackoffMs?: number;
  timeoutMs?: number;
  concurrency?: number;
  /** Called once per delivery outcome (for /metrics); must not throw. */
  onOutcome?: (receiver: string, outcome: 'sent' | 'failed' | 'retried' | 'dropped') => void;
}

interface Job {
  notification: AlertNotification;
  receiver: number;
  attempt: number;
}

const DEFAULTS = {
  maxQueue: 1000,
  maxAttempts: 6,
  backoffMs: 1000,
  maxBackoffMs: 60_000,
  timeoutMs: 10_000,
  concurrency: 4,
};

const DEDUP_MEMORY = 10_000;

function receiverName(index: number, url: string): string {
  try {
    return `${index}:${new URL(url).host}`;
  } catch {
    return `${index}`;
  }
}

/** A delivery that should not be retried (the receiver rejected the request itself). */
class PermanentFailure extends Error {}

export function createWebhookNotifier(options: WebhookNotifierOptions): AlertNotifier {
  const o = { ...DEFAULTS, ...definedOnly(options) };
  const webhooks = options.webhooks;
  const receivers: ReceiverStats[] = webhooks.map((w, i) => ({
    receiver: receiverName(i, w.url),
    format: w.format,
    sent: 0,
    failed: 0,
    retries: 0,
  }));
  const queue: Job[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const inFlight = new Set<Promise<void>>();
  const seen = new Map<string, true>();
  const idleWaiters: Array<() => void> = [];
  let closed = false;
  const totals = { sent: 0, failed: 0, retries: 0, dropped: 0, deduplicated: 0 };
  let lastError: NotifierStats['lastError'] = null;

  function report(receiver: number, outcome: 'sent' | 'failed' | 'retried' | 'dropped'): void {
    try {
      options.onOutcome?.(receivers[receiver]?.receiver ?? String(receiver), outcome);
    } catch {
      // Metrics must never break delivery.
    }
  }

  function settleIdle(): void {
    if (queue.length > 0 || inFlight.size > 0 || timers.size > 0) return;
    for (const wake of idleWaiters.splice(0)) wake();
  }

  function enqueue(job: Job): void {
    if (closed) return;
    if (queue.length >= o.maxQueue) {
      totals.dropped++;
      report(job.receiver, 'dropped');
      return;
    }
    queue.push(job);
    pump();
  }

  function pump(): void {
    while (!closed && inFlight.size < o.concurrency && queue.length > 0) {
      const job = queue.shift() as Job;
      const p = deliver(job).finally(() => {
        inFlight.delete(p);
        pump();
        settleIdle();
      });
      inFlight.add(p);
    }
  }

  async function send(job: Job): Promise<void> {
    const hook = webhooks[job.receiver] as WebhookConfig;
    const body =
      hook.format === 'slack' ? slackPayload(job.notification) : jsonPayload(job.notification);
    const res = await fetch(hook.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...hook.headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(o.timeoutMs),
    });
    // Drain the body so the connection is reused.
    await res.arrayBuffer().catch(() => undefined);
    if (res.ok) return;
    const message = `HTTP ${res.status}`;
    if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) {
      throw new PermanentFailure(message);
    }
    throw new Error(message);
  }

  async function deliver(job: Job): Promise<void> {
    const stats = receivers[job.receiver] as ReceiverStats;
    try {
      await send(job);
      stats.sent++;
      totals.sent++;
      report(job.receiver, 'sent');
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      lastError = { receiver: stats.receiver, message, at: new Date().toISOString() };
      const next = job.attempt + 1;
      if (err instanceof PermanentFailure || next >= o.maxAttempts || closed) {
        stats.failed++;
        totals.failed++;
        report(job.receiver, 'failed');
        return;
      }
      stats.retries++;
      totals.retries++;
      report(job.receiver, 'retried');
      const delay = Math.min(o.maxBackoffMs, o.backoffMs * 2 ** job.attempt);
      // Jitter spreads retries of many alerts to one recovering receiver.
      const timer = setTimeout(
        () => {
          timers.delete(timer);
          enqueue({ ...job, attempt: next });
          settleIdle();
        },
        delay * (0.75 + Math.random() * 0.5),
      );
      timer.unref();
      timers.add(timer);
    }
  }

  return {
    notify(notification) {
      if (closed) return;
      if (seen.has(notification.dedupKey)) {
        totals.deduplicated++;
        return;
      }
      seen.set(notification.dedupKey, true);
      if (seen.size > DEDUP_MEMORY) {
        const oldest = seen.keys().next().value;
        if (oldest !== undefined) seen.delete(oldest);
      }
      webhooks.forEach((hook, receiver) => {
        if (hook.severities && !hook.severities.includes(notification.severity)) return;
        enqueue({ notification, receiver, attempt: 0 });
      });
    },
    stats() {
      return {
        queued: queue.length,
        inFlight: inFlight.size,
        ...totals,
        lastError,
        receivers: receivers.map((r) => ({ ...r })),
      };
    },
    idle() {
      return new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        settleIdle();
      });
    },
    async close() {
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      queue.length = 0;
      await Promise.allSettled([...inFlight]);
      settleIdle();
    },
  };
}

function definedOnly<T extends object>(obj: T): Partial<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as Partial<T>;
}
