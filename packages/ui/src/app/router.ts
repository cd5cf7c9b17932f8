import { useSyncExternalStore } from 'react';

/**
 * History routing: alert notifications link straight to `/tenants/<t>/runs?...` and
 * `/traces/<id>`, so the path is the page and the query string holds every filter.
 */
export type Route =
  | { page: 'login' }
  | { page: 'overview' }
  | { page: 'tenant'; tenant: string }
  | { page: 'runs'; tenant: string }
  | { page: 'trace'; traceId: string }
  | { page: 'logs' }
  | { page: 'alerts' }
  | { page: 'doctor' }
  | { page: 'keys' }
  | { page: 'notFound'; path: string };

const NAV_EVENT = 'tenantry:navigate';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(NAV_EVENT, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(NAV_EVENT, onChange);
  };
}

const snapshot = () => window.location.pathname + window.location.search;

/** The current path + query; re-renders on navigation. */
export function useUrl(): { path: string; search: URLSearchParams } {
  const href = useSyncExternalStore(subscribe, snapshot);
  const url = new URL(href, window.location.origin);
  return { path: url.pathname, search: url.searchParams };
}

export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (to === snapshot()) return;
  if (opts.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  window.dispatchEvent(new Event(NAV_EVENT));
}

/** Rewrites some query params of the current URL, keeping the rest (filters live in the URL). */
export function setParams(
  changes: Record<string, string | null | undefined>,
  opts: { replace?: boolean } = {},
): void {
  const url = new URL(window.location.href);
  for (const [k, v] of Object.entries(changes)) {
    if (v === null || v === undefined || v === '') url.searchParams.delete(k);
    else url.searchParams.set(k, v);
  }
  navigate(url.pathname + url.search, opts);
}

export function matchRoute(path: string): Route {
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const [a, b, c] = parts;
  if (parts.length === 0) return { page: 'overview' };
  if (a === 'login' && parts.length === 1) return { page: 'login' };
  if (a === 'tenants' && b !== undefined && parts.length === 2)
    return { page: 'tenant', tenant: b };
  if (a === 'tenants' && b !== undefined && c === 'runs' && parts.length === 3)
    return { page: 'runs', tenant: b };
  if (a === 'traces' && b !== undefined && parts.length === 2) return { page: 'trace', traceId: b };
  if (parts.length === 1 && (a === 'logs' || a === 'alerts' || a === 'doctor' || a === 'keys'))
    return { page: a };
  return { page: 'notFound', path };
}

/** Builds `path?query` dropping empty values. */
export function href(path: string, params: Record<string, string | null | undefined> = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}
