import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { ReadAhead } from '../auth/read-ahead.js';
import { ForbiddenError, NotFoundError } from '../errors.js';
import { type OtlpRouteDeps, otlpRoutes } from '../otlp/routes.js';
import type { ServerMetrics } from '../telemetry/registry.js';
import type { Authenticate } from './auth-plugin.js';
import { mapError, sendJsonError } from './errors.js';
import './request-context.js';

export type ApiPlugin = (app: FastifyInstance) => Promise<void>;

export interface AppDeps {
  authenticate: Authenticate;
  metrics: ServerMetrics;
  otlp: Omit<OtlpRouteDeps, 'authenticate' | 'metrics'>;
  /** Route groups under /api/v1, registered after the auth hook. */
  api: ApiPlugin[];
  ready: () => Promise<boolean>;
  /** Built dashboard to serve at `/`; skipped when it has not been built. */
  uiDir?: string;
  logger?: boolean;
  /**
   * A request whose body has not fully arrived this long after it began is answered 408 and its
   * connection closed: a body trickled a byte a second must not hold a socket and a half-read
   * buffer for ever. Node checks every half of it, so a request is cut within 1.5 times this.
   */
  requestTimeoutMs?: number;
}

/**
 * The dashboard loads only its own bundle and talks only to this server: no inline script, no
 * framing (clickjacking), no form posts or base URL elsewhere. React sets styles through the CSSOM,
 * which `style-src 'self'` allows.
 */
const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The dashboard: this workspace's build (packages/ui/dist), else the copy packed into dist/ui. */
const UI_DIRS = ['../../../ui/dist/', '../ui/'].map((d) =>
  fileURLToPath(new URL(d, import.meta.url)),
);
export const DEFAULT_UI_DIR = UI_DIRS.find((d) => existsSync(`${d}index.html`)) ?? UI_DIRS[0]!;

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const requestTimeout = deps.requestTimeoutMs ?? 30_000;
  const app = Fastify({
    // Request lines are not logged (they are in /metrics); warnings and errors are. Headers,
    // which carry keys, are never logged.
    logger: deps.logger ? { level: 'warn' } : false,
    bodyLimit: 1024 * 1024,
    requestTimeout,
    // Node enforces these only when given to the server's constructor, headers within the request.
    http: {
      requestTimeout,
      headersTimeout: Math.min(60_000, requestTimeout),
      connectionsCheckingInterval: Math.max(50, Math.min(30_000, requestTimeout / 2)),
    },
  });

  app.setErrorHandler((err, request, reply) => {
    const mapped = mapError(err);
    if (mapped.status >= 500 && mapped.status !== 503) request.log.error({ err }, 'request failed');
    return sendJsonError(reply, mapped);
  });

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    const path = request.url;
    if (path.startsWith('/api/') || path.startsWith('/v1/') || path.startsWith('/metrics')) {
      // Tenant data: never kept by a browser or a shared proxy.
      reply.header('cache-control', 'no-store');
    } else {
      reply.header('content-security-policy', DASHBOARD_CSP);
      reply.header('x-frame-options', 'DENY');
    }
  });

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    const ok = await deps.ready().catch(() => false);
    return reply.status(ok ? 200 : 503).send({ status: ok ? 'ready' : 'not_ready' });
  });
  // Every tenant's id and volume is in there: an admin key or a read key bound to no tenant, or
  // the metrics listener of its own (server.metricsListen) on an address only Prometheus reaches.
  app.get('/metrics', async (request, reply) => {
    const principal = await deps.authenticate(request);
    if (principal.kind === 'ingest' || principal.tenantId !== null) {
      throw new ForbiddenError(
        '/metrics lists every tenant: scrape it with an admin key or a read key bound to no tenant, or on server.metricsListen',
      );
    }
    return reply.type('text/plain; version=0.0.4').send(deps.metrics.registry.render());
  });

  await app.register(otlpRoutes, {
    ...deps.otlp,
    authenticate: deps.authenticate,
    metrics: deps.metrics,
  });

  await app.register(
    async (api) => {
      api.decorateRequest('principal');
      const auth = new ReadAhead(deps.authenticate);
      api.addHook('onRequest', (request: FastifyRequest) => auth.begin(request));
      api.addHook('onSend', (request, reply, payload) => auth.end(request, reply, payload));
      api.get('/whoami', async (request) => ({
        keyId: request.principal.keyId,
        kind: request.principal.kind,
        tenantId: request.principal.tenantId,
      }));
      for (const plugin of deps.api) await api.register(plugin);
      api.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) =>
        sendJsonError(
          reply,
          mapError(new NotFoundError(`no route ${request.method} ${request.url}`)),
        ),
      );
    },
    { prefix: '/api/v1' },
  );

  const uiDir = deps.uiDir ?? DEFAULT_UI_DIR;
  if (existsSync(`${uiDir}/index.html`)) {
    await app.register(fastifyStatic, { root: uiDir, wildcard: false });
    // History routing: any other GET path is the dashboard's (alert links point at deep paths).
    app.setNotFoundHandler((request, reply) => {
      if (
        request.method === 'GET' &&
        !request.url.startsWith('/api/') &&
        !request.url.startsWith('/v1/')
      ) {
        return reply.sendFile('index.html');
      }
      return sendJsonError(
        reply,
        mapError(new NotFoundError(`no route ${request.method} ${request.url}`)),
      );
    });
  } else {
    app.setNotFoundHandler((request, reply) =>
      sendJsonError(
        reply,
        mapError(new NotFoundError(`no route ${request.method} ${request.url}`)),
      ),
    );
  }
  return app;
}
