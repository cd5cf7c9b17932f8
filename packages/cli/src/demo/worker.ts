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

/** Event-time window in which one tenant's account cache is never invalidated (the bad deploy). */
export interface CacheIncident {
  tenantId: string;
  fromMs: number;
  /** Null until the fix is deployed. */
  toMs: number | null;
}

export const STALE_CACHE_AGE_SECONDS = 48 * 3600 + 17 * 60;

export interface WorkerService {
  url: string;
  setIncident(incident: CacheIncident): void;
  close(): Promise<void>;
}

const log = getLogger({ destination: { write: () => true } });

export async function startWorkerService(registry: TimeShiftRegistry): Promise<WorkerService> {
  const incidents = new Map<string, CacheIncident>();
  const clocks = new Map<string, RunClock>();

  const staleFor = (tenantId: string, eventMs: number) => {
    const i = incidents.get(tenantId);
    return i !== undefined && eventMs >= i.fromMs && (i.toMs === null || eventMs < i.toMs);
  };

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
        const tenantId = String(headers['tenantry-tenant'] ?? '');
        const stale = staleFor(tenantId, eventMs);
        const ageSeconds = stale ? STALE_CACHE_AGE_SECONDS : Math.floor(Math.random() * 90);
        const data = await memoryOp(
          { store: 'account-cache', operation: 'read', key: `account:${accountId}` },
          async (span) => {
            await wait(4 + Math.random() * 10);
            span.setAttribute('tenantry.cache.hit', true);
            span.setAttribute('tenantry.cache.age_seconds', ageSeconds);
            return {
              accountId,
              plan: stale ? 'starter' : 'business',
              balanceUsd: stale ? 0 : 1240.5,
              openInvoices: stale ? 0 : 2,
            };
          },
        );
        if (stale) {
          log.warn(
            { account_id: accountId, 'cache.age_seconds': ageSeconds },
            `account data served from cache written ${Math.round(ageSeconds / 3600)}h ago (no invalidation since deploy)`,
          );
        } else {
          log.info(
            { account_id: accountId, 'cache.age_seconds': ageSeconds },
            'account data served',
          );
        }
        return reply(200, { data, cacheAgeSeconds: ageSeconds });
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
    setIncident: (incident) => incidents.set(incident.tenantId, incident),
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
