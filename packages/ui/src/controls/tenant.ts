import { href, matchRoute, navigate, useUrl } from '../app/router.js';
import { useSession } from '../auth/session-context.js';

/**
 * The tenant filter: the path on tenant pages (/tenants/<t>, /tenants/<t>/runs), `?tenant=`
 * elsewhere, and always the key's own tenant for a tenant-bound key.
 */
export function useTenant(): { tenant: string | null; locked: boolean } {
  const { whoami } = useSession();
  const { path, search } = useUrl();
  if (whoami.tenantId) return { tenant: whoami.tenantId, locked: true };
  const route = matchRoute(path);
  if (route.page === 'tenant' || route.page === 'runs')
    return { tenant: route.tenant, locked: false };
  return { tenant: search.get('tenant'), locked: false };
}

/** Keeps the range/refresh params when moving between pages. */
export function carryParams(search: URLSearchParams): Record<string, string | null> {
  return {
    from: search.get('from'),
    to: search.get('to'),
    refresh: search.get('refresh'),
  };
}

export function tenantPath(tenant: string, sub: '' | '/runs' = ''): string {
  return `/tenants/${encodeURIComponent(tenant)}${sub}`;
}

/** Switches the tenant while staying on the same kind of page. */
export function selectTenant(tenant: string | null): void {
  const url = new URL(window.location.href);
  const route = matchRoute(url.pathname);
  const keep = carryParams(url.searchParams);
  if (route.page === 'runs') {
    navigate(tenant ? href(tenantPath(tenant, '/runs'), keep) : href('/', keep));
  } else if (route.page === 'tenant' || route.page === 'overview' || route.page === 'trace') {
    navigate(tenant ? href(tenantPath(tenant), keep) : href('/', keep));
  } else {
    if (tenant) url.searchParams.set('tenant', tenant);
    else url.searchParams.delete('tenant');
    navigate(url.pathname + url.search);
  }
}
