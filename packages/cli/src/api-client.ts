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

export function targetFrom(
  values: { url?: string; key?: string },
  env: NodeJS.ProcessEnv,
): ApiTarget {
  const url = values.url ?? env.TENANTRY_URL ?? 'http://127.0.0.1:4318';
  const key = values.key ?? env.TENANTRY_API_KEY ?? env.TENANTRY_ADMIN_KEY;
  if (!key)
    throw new ApiCallError(
      0,
      'TENANTRY_E_UNAUTHENTICATED',
      'no API key: pass --key or set TENANTRY_API_KEY',
    );
  return { url: url.replace(/\/$/, ''), key };
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
