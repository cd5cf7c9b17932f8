import { clearKey, getKey } from '../auth/session.js';

/** An API call failed: the server's error code and message, or TENANTRY_E_UI_UNREACHABLE. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The server could not be reached or answered with something that is not the API's JSON. */
export class UnreachableError extends ApiError {
  constructor(message: string) {
    super(0, 'TENANTRY_E_UI_UNREACHABLE', message);
  }
}

export type Params = Record<string, string | number | boolean | null | undefined>;

export function apiUrl(path: string, params: Params = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === null || v === undefined || v === '') continue;
    q.set(k, String(v));
  }
  const s = q.toString();
  return `/api/v1${path}${s ? `?${s}` : ''}`;
}

type AuthListener = () => void;
const authListeners = new Set<AuthListener>();
/** Called when the server rejects the key, so the app can send the user back to the login page. */
export function onUnauthorized(listener: AuthListener): () => void {
  authListeners.add(listener);
  return () => authListeners.delete(listener);
}

export async function apiFetch<T>(
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  opts: { params?: Params; body?: unknown; signal?: AbortSignal; key?: string } = {},
): Promise<T> {
  const key = opts.key ?? getKey();
  const headers: Record<string, string> = { accept: 'application/json' };
  if (key) headers.authorization = `Bearer ${key}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(apiUrl(path, opts.params), {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: opts.signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new UnreachableError(`Cannot reach the tenantry server: ${String(err)}`);
  }
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    throw new UnreachableError(`The server answered ${res.status} with a non-JSON body`);
  }
  if (!res.ok) {
    const e = (json as { error?: { code?: unknown; message?: unknown } } | null)?.error;
    const code = typeof e?.code === 'string' ? e.code : `HTTP_${res.status}`;
    const message = typeof e?.message === 'string' ? e.message : res.statusText;
    if (res.status === 401 && opts.key === undefined) {
      clearKey();
      for (const l of authListeners) l();
    }
    throw new ApiError(res.status, code, message);
  }
  return json as T;
}

export const apiGet = <T>(path: string, params?: Params, signal?: AbortSignal) =>
  apiFetch<T>('GET', path, { params, signal });
