import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { ClickHouseOptions } from './client.js';

/**
 * `storage.clickhouse` in tenantry.yaml: where the ClickHouse is and how to reach it. Every rule
 * that can be checked without a connection is checked here, so a wrong setting stops the start with
 * TENANTRY_E_INVALID_CONFIG naming the field, not with a driver error at the first query.
 */

const identifier = z.string().regex(/^\w+$/, 'must be a plain identifier (letters, digits, _)');

function urlsOf(url: string): string[] {
  return url
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean);
}

/** A PEM file that holds at least one certificate, or why not. */
function pemProblem(path: string): string | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    return `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
  }
  return text.includes('-----BEGIN CERTIFICATE-----')
    ? null
    : `${path} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`;
}

export const clickHouseConfigSchema = z
  .object({
    /** HTTP(S) URL of a node; on a cluster without ON CLUSTER DDL, every node, comma-separated. */
    url: z.string().default('http://127.0.0.1:8123'),
    database: identifier.default('tenantry'),
    /** Cluster from remote_servers: local tables behind Distributed tables sharded by tenant. */
    cluster: identifier.optional(),
    /** With `cluster`: DDL and mutations once, ON CLUSTER, through the first URL (needs Keeper). */
    onClusterDdl: z.boolean().default(false),
    /** The server replicates by itself (ClickHouse Cloud, a Replicated database): no Distributed. */
    replicatedByServer: z.boolean().default(false),
    username: z.string().min(1).optional(),
    password: z.string().optional(),
    /** PEM file of the CA (or self-signed certificate) an https server's certificate chains to. */
    caFile: z.string().min(1).optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    const issue = (path: string, message: string) =>
      ctx.addIssue({ code: 'custom', path: [path], message });
    const urls = urlsOf(c.url);
    if (urls.length === 0) issue('url', 'give at least one http:// or https:// URL');
    for (const u of urls) {
      let parsed: URL | null = null;
      try {
        parsed = new URL(u);
      } catch {
        // reported below
      }
      if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
        issue('url', `${u} is not an http:// or https:// URL`);
      } else if (parsed.username || parsed.password) {
        issue('url', 'put credentials in username/password (or the env), not in the URL');
      }
    }
    if (c.caFile !== undefined) {
      if (urls.some((u) => !u.startsWith('https://'))) {
        issue('caFile', 'a CA file needs https:// URLs (the server is reached over TLS)');
      }
      const problem = pemProblem(c.caFile);
      if (problem) issue('caFile', problem);
    }
    if (c.onClusterDdl && c.cluster === undefined) {
      issue('onClusterDdl', 'ON CLUSTER DDL needs `cluster` (the name in remote_servers)');
    }
    if (c.replicatedByServer && c.cluster !== undefined) {
      issue(
        'replicatedByServer',
        'a server that replicates by itself gets no Distributed tables: leave `cluster` unset',
      );
    }
    if (c.replicatedByServer && urls.length > 1) {
      issue('replicatedByServer', 'give the one service URL, not one per node');
    }
    if (c.password !== undefined && c.username === undefined) {
      issue('password', 'a password needs a username (env TENANTRY_CLICKHOUSE_USER)');
    }
  });

export type ClickHouseConfig = z.infer<typeof clickHouseConfigSchema>;

/** Environment variables and flags for `storage.clickhouse`; later sources win over the file. */
export interface ClickHouseOverrides {
  url?: string | undefined;
  cluster?: string | undefined;
}

/**
 * Writes TENANTRY_CLICKHOUSE_* (then flags) over the file's `storage.clickhouse` section. Secrets
 * can stay out of tenantry.yaml: TENANTRY_CLICKHOUSE_USER and TENANTRY_CLICKHOUSE_PASSWORD.
 */
export function applyClickHouseEnv(
  storage: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  flags: ClickHouseOverrides = {},
): void {
  const values: Record<string, string | undefined> = {
    url: flags.url ?? env.TENANTRY_CLICKHOUSE_URL,
    cluster: flags.cluster ?? env.TENANTRY_CLICKHOUSE_CLUSTER,
    database: env.TENANTRY_CLICKHOUSE_DATABASE,
    username: env.TENANTRY_CLICKHOUSE_USER,
    password: env.TENANTRY_CLICKHOUSE_PASSWORD,
    caFile: env.TENANTRY_CLICKHOUSE_CA_FILE,
  };
  const set = Object.entries(values).filter(([, v]) => v !== undefined);
  if (set.length === 0) return;
  const v = storage.clickhouse;
  const ch: Record<string, unknown> =
    typeof v === 'object' && v !== null && !Array.isArray(v) ? { ...v } : {};
  for (const [key, value] of set) ch[key] = value;
  storage.clickhouse = ch;
}

/** The adapter's options for a validated section (the CA file is read here, at start). */
export function clickHouseOptionsOf(c: ClickHouseConfig): ClickHouseOptions {
  return {
    url: c.url,
    database: c.database,
    ...(c.cluster ? { cluster: c.cluster } : {}),
    ...(c.onClusterDdl ? { onClusterDdl: true } : {}),
    ...(c.replicatedByServer ? { replicatedByServer: true } : {}),
    ...(c.username !== undefined ? { username: c.username } : {}),
    ...(c.password !== undefined ? { password: c.password } : {}),
    ...(c.caFile !== undefined ? { caCert: readFileSync(c.caFile) } : {}),
  };
}
