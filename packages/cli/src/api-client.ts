import { urlFlag } from './args.js';

/** The CLI talks to a running server through the same HTTP API the dashboard uses. */
export interface ApiTarget {
  url: string;
  key: string;
}

/** The CLI could not connect to the server at --url (not running, wrong port, network). */
const UNREACHABLE = 'TENANTRY_E_UNREACHABLE';
/** The server answered an HTTP error without a tenantry error body (e.g. a proxy in between). */
const HTTP_ERROR = 'TENANTRY_E_HTTP';

export class ApiCallError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * One environment variable per key kind, the same everywhere: TENANTRY_ADMIN_KEY, TENANTRY_READ_KEY
 * (and TENANTRY_INGEST_KEY for what sends, which the CLI never reads: it cannot query).
 */
export function targetFrom(
  values: { url?: string; key?: string },
  env: NodeJS.ProcessEnv,
  kind: 'admin' | 'read' = 'read',
): ApiTarget {
  const url = urlFlag(values.url ?? env.TENANTRY_URL ?? 'http://127.0.0.1:4318');
  const key =
    values.key ??
    nonEmpty(env.TENANTRY_ADMIN_KEY) ??
    (kind === 'read' ? nonEmpty(env.TENANTRY_READ_KEY) : undefined);
  if (!key) {
    const vars = kind === 'read' ? 'TENANTRY_ADMIN_KEY or TENANTRY_READ_KEY' : 'TENANTRY_ADMIN_KEY';
    const legacy = nonEmpty(env.TENANTRY_API_KEY)
      ? ' (TENANTRY_API_KEY is no longer read: it was used for ingest keys too, which cannot query)'
      : '';
    throw new ApiCallError(
      0,
      'TENANTRY_E_UNAUTHENTICATED',
      `no API key: pass --key or set ${vars}${legacy}`,
    );
  }
  return { url, key };
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

export async function callApi<T>(
  target: ApiTarget,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  let res: Response;
  try {
    res = await fetch(target.url + path, {
      method,
      headers: {
        authorization: `Bearer ${target.key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    throw new ApiCallError(0, UNREACHABLE, `cannot reach ${target.url}: ${(err as Error).message}`);
  }
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!res.ok) {
    const e = (json as { error?: { code?: string; message?: string } } | null)?.error;
    throw new ApiCallError(res.status, e?.code ?? HTTP_ERROR, e?.message ?? `HTTP ${res.status}`);
  }
  return json as T;
}
