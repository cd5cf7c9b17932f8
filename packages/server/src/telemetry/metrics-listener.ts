import { createServer, type Server } from 'node:http';
import type { Registry } from './registry.js';

/**
 * `/metrics` without a key, on an address of its own (`server.metricsListen`, e.g. a private
 * interface only Prometheus reaches): the main port's `/metrics` needs an admin key, since it names
 * every tenant and its volume.
 */
export async function startMetricsListener(
  registry: Registry,
  address: { host: string; port: number },
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if (req.method === 'GET' && (req.url === '/metrics' || req.url?.startsWith('/metrics?'))) {
      res.writeHead(200, {
        'content-type': 'text/plain; version=0.0.4',
        'cache-control': 'no-store',
      });
      res.end(registry.render());
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        error: { code: 'TENANTRY_E_NOT_FOUND', message: 'this listener serves GET /metrics only' },
      }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(address.port, address.host, () => resolve());
  });
  const bound = server.address();
  const port = typeof bound === 'object' && bound ? bound.port : address.port;
  const host = address.host.includes(':') ? `[${address.host}]` : address.host;
  return {
    url: `http://${host}:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
