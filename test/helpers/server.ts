import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type RunningServer,
  type StartServerOptions,
  startServer,
} from '../../packages/server/src/server.js';

export interface TestServer extends RunningServer {
  adminKey: string;
  ingestKey: string;
  dataDir: string;
  /** The server's own /metrics, scraped with the admin key (it names every tenant). */
  scrapeMetrics(): Promise<string>;
  /** Creates a key through the admin API, as a user would. */
  createKey(kind: 'admin' | 'ingest' | 'read', tenantId?: string | null): Promise<string>;
  /** Revokes, through the admin API, the key bound to `tenantId` (the one the test created). */
  revokeKeyOf(tenantId: string): Promise<void>;
  /** GET a JSON API route with a key; returns status and parsed body. */
  api<T = unknown>(
    path: string,
    key?: string,
    init?: RequestInit,
  ): Promise<{ status: number; body: T }>;
  stop(): Promise<void>;
}

/**
 * The real server, on a free loopback port, over a fresh data dir: its own temporary one, removed
 * by `stop()`, or `dataDir` (an empty directory the caller made, e.g. a small tmpfs, and removes).
 */
export async function startTestServer(
  options: StartServerOptions & { config?: Record<string, unknown>; dataDir?: string } = {},
): Promise<TestServer> {
  const { dataDir: givenDir, ...serverOptions } = options;
  const dataDir = givenDir ?? mkdtempSync(join(tmpdir(), 'tenantry-test-'));
  const config = options.config ?? {};
  const server = await startServer({
    ...serverOptions,
    config: {
      ...config,
      server: { host: '127.0.0.1', port: 0, dataDir, ...((config.server as object) ?? {}) },
    },
  });
  if (!server.bootstrapKeys) throw new Error('a fresh data dir must bootstrap keys');
  const { admin, ingest } = server.bootstrapKeys;
  const api = async <T>(path: string, key = admin, init: RequestInit = {}) => {
    const res = await fetch(server.url + path, {
      ...init,
      headers: { authorization: `Bearer ${key}`, ...(init.headers ?? {}) },
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
  };
  return Object.assign(server, {
    adminKey: admin,
    ingestKey: ingest,
    dataDir,
    api,
    async scrapeMetrics() {
      const res = await fetch(`${server.url}/metrics`, {
        headers: { authorization: `Bearer ${admin}` },
      });
      if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
      return res.text();
    },
    async createKey(kind: 'admin' | 'ingest' | 'read', tenantId: string | null = null) {
      const res = await api<{ secret: string }>('/api/v1/keys', admin, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ kind, tenantId }),
      });
      if (res.status !== 201) throw new Error(`key creation failed: ${JSON.stringify(res.body)}`);
      return res.body.secret;
    },
    async revokeKeyOf(tenantId: string) {
      const { body } = await api<{ items: Array<{ id: string; tenantId: string | null }> }>(
        '/api/v1/keys',
      );
      const id = body.items.find((k) => k.tenantId === tenantId)?.id;
      const res = await api(`/api/v1/keys/${id}`, admin, { method: 'DELETE' });
      if (res.status !== 200) throw new Error(`revoking ${tenantId}'s key: ${res.status}`);
    },
    async stop() {
      await server.close();
      if (givenDir === undefined) rmSync(dataDir, { recursive: true, force: true });
    },
  });
}
