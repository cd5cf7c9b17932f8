/**
 * The worker service: a second process (own SDK init, service.name `demo-worker`) that executes
 * the tools needing backends. Requests arrive over HTTP; `extract()` continues the gateway's trace
 * and tenant, so its spans join the same run.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extract, getLogger, memoryOp, retrieval } from '@tenantry/sdk';
import { RunClock } from './clock.js';
import type { TimeShiftRegistry } from './time-shift.js';

/**
 * How this build of the worker treats its account cache. 2.14.0 shipped a regression: writes no
 * longer invalidate cached accounts, so from its deploy every entry only grows older. For
 * `maxAgeSeconds` the stale entries are served as if fresh (the agent answers confidently and
 * wrongly); after that the cache's own guard refuses them with StaleCacheError.
 */
export interface CacheBehaviour {
  /** Event time (ms) since which nothing was invalidated; null: invalidation works. */
  brokenSinceMs: number | null;
  maxAgeSeconds: number;
}

export const CACHE_MAX_AGE_SECONDS = 240;

export interface WorkerService {
  url: string;
  close(): Promise<void>;
}

/** The cache refused an entry older than its guard allows. */
export class StaleCacheError extends Error {
  constructor(readonly ageSeconds: number) {
    super(
      `account cache entry is ${ageSeconds} s old (limit ${CACHE_MAX_AGE_SECONDS} s): not invalidated since the deploy`,
    );
    this.name = 'StaleCacheError';
  }
}

const log = getLogger({ destination: { write: () => true } });

export async function startWorkerService(
  registry: TimeShiftRegistry,
  cache: CacheBehaviour,
): Promise<WorkerService> {
  const clocks = new Map<string, RunClock>();
  /** Seconds since the entry was written: since the deploy when nothing invalidates any more. */
  const cacheAge = (eventMs: number) =>
    cache.brokenSinceMs !== null && eventMs >= cache.brokenSinceMs
      ? Math.floor((eventMs - cache.brokenSinceMs) / 1000) + Math.floor(Math.random() * 20)
      : Math.floor(Math.random() * 90);

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = JSON.parse(await readBody(req)) as Record<string, unknown>;
    const headers = req.headers as Record<string, unknown>;
    const traceId = /^00-([0-9a-f]{32})-/.exec(String(headers.traceparent ?? ''))?.[1];
    const eventMs = Number(headers['x-demo-event-time'] ?? Date.now());
    // A backfilled request: this trace's spans in this process get their own virtual clock,
    // re-anchored at the event time each request carries.
    let clock = RunClock.live();
    if (headers['x-demo-virtual'] === '1' && traceId !== undefined) {
      const known = clocks.get(traceId);
      clock = known ?? new RunClock(eventMs);
      if (known === undefined) {
        clocks.set(traceId, clock);
        registry.register(traceId, clock);
        if (clocks.size > 10_000) clocks.delete(clocks.keys().next().value as string);
      } else known.anchor(eventMs);
    }
    let simulated = 0;
    const wait = (ms: number) => {
      simulated += ms;
      return clock.wait(ms);
    };
    res.setHeader('x-demo-simulated-ms', '0');
    const reply = (status: number, payload: unknown) => {
      res.setHeader('x-demo-simulated-ms', String(Math.round(simulated)));
      sendJson(res, status, payload);
    };

    await extract(headers, async () => {
      if (req.url === '/tools/get_account_data') {
        const accountId = String(body.accountId ?? 'unknown');
        const ageSeconds = cacheAge(eventMs);
        const stale = cache.brokenSinceMs !== null && eventMs >= cache.brokenSinceMs;
        try {
          const data = await memoryOp(
            { store: 'account-cache', operation: 'read', key: `account:${accountId}` },
            async (span) => {
              await wait(4 + Math.random() * 10);
              span.setAttribute('tenantry.cache.hit', true);
              span.setAttribute('tenantry.cache.age_seconds', ageSeconds);
              if (ageSeconds > cache.maxAgeSeconds) throw new StaleCacheError(ageSeconds);
              // A stale entry still holds the account as it was before the customer's upgrade.
              return {
                accountId,
                plan: stale ? 'starter' : 'business',
                balanceUsd: stale ? 0 : 1240.5,
                openInvoices: stale ? 0 : 2,
              };
            },
          );
          log.info(
            { account_id: accountId, 'cache.age_seconds': ageSeconds },
            'account data served',
          );
          return reply(200, { data, cacheAgeSeconds: ageSeconds });
        } catch (err) {
          if (!(err instanceof StaleCacheError)) throw err;
          log.error(
            { account_id: accountId, 'cache.age_seconds': ageSeconds },
            `account data refused: cache entry ${ageSeconds} s old, not invalidated since the deploy`,
          );
          return reply(409, { error: { type: err.name, message: err.message } });
        }
      }
      if (req.url === '/tools/search_web') {
        const query = String(body.query ?? '');
        try {
          const results = await retrieval({ query, source: 'web-search', topK: 5 }, async () => {
            await wait(250 + Math.random() * 500);
            // The search provider's per-key rate limit: a few percent of calls bounce.
            if (Math.random() < 0.06) throw new RateLimitedError();
            return Array.from({ length: 5 }, (_, i) => `result ${i + 1} for ${query.slice(0, 40)}`);
          });
          return reply(200, { results });
        } catch (err) {
          log.warn(
            { query_length: query.length },
            'search provider rate-limited the request (429)',
          );
          return reply(429, { error: String(err) });
        }
      }
      return reply(404, { error: `no route ${req.url}` });
    });
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => sendJson(res, 500, { error: String(err) }));
  });
  // Longer than any idle gap between calls: a keep-alive socket the server closes just as the
  // client reuses it fails that request with ECONNRESET, i.e. a made-up failed run.
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 121_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The search provider said 429. */
class RateLimitedError extends Error {
  readonly code = 'rate_limited';
  constructor() {
    super('search provider returned 429 Too Many Requests');
    this.name = 'RateLimitedError';
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8') || '{}'));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}
