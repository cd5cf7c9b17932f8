import { describe, expect, it } from 'vitest';
import { href, matchRoute } from './router.js';

describe('routes', () => {
  it('matches the alert notifier links exactly', () => {
    expect(matchRoute('/tenants/tenant-b/runs')).toEqual({ page: 'runs', tenant: 'tenant-b' });
    expect(matchRoute('/traces/0af7651916cd43dd8448eb211c80319c')).toEqual({
      page: 'trace',
      traceId: '0af7651916cd43dd8448eb211c80319c',
    });
  });

  it('decodes tenant ids that needed escaping in the path', () => {
    expect(matchRoute('/tenants/acme%2Feu')).toEqual({ page: 'tenant', tenant: 'acme/eu' });
  });

  it('sends unknown paths to not-found instead of guessing a page', () => {
    expect(matchRoute('/tenants/a/b/c')).toEqual({ page: 'notFound', path: '/tenants/a/b/c' });
    expect(matchRoute('/')).toEqual({ page: 'overview' });
    expect(matchRoute('/keys')).toEqual({ page: 'keys' });
  });

  it('drops empty query values when building links', () => {
    expect(href('/logs', { tenant: 'b', q: '', level: null })).toBe('/logs?tenant=b');
    expect(href('/logs', {})).toBe('/logs');
  });
});
