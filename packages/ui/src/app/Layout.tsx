import type { ReactNode } from 'react';
import { useSession } from '../auth/session-context.js';
import { TenantSelector } from '../controls/TenantSelector.js';
import { TimeRangePicker } from '../controls/TimeRangePicker.js';
import { carryParams, tenantPath, useTenant } from '../controls/tenant.js';
import { Link } from './Link.js';
import { href, matchRoute, useUrl } from './router.js';
import { useTheme } from './theme.js';

/** Header with the tenant filter first, then the pages, the time range and the session. */
export function Layout({ children }: { children: ReactNode }) {
  const { whoami, logout } = useSession();
  const { path, search } = useUrl();
  const { tenant } = useTenant();
  const [theme, toggleTheme] = useTheme();
  const route = matchRoute(path);
  const keep = carryParams(search);
  const withTenant = { ...keep, tenant };

  const nav: Array<{ label: string; to: string; active: boolean; hidden?: boolean }> = [
    {
      label: 'Overview',
      to: href('/', keep),
      active: route.page === 'overview',
      hidden: whoami.tenantId !== null,
    },
    {
      label: 'Tenant',
      to: tenant ? href(tenantPath(tenant), keep) : href('/', keep),
      active: route.page === 'tenant',
    },
    {
      label: 'Runs',
      to: tenant ? href(tenantPath(tenant, '/runs'), keep) : href('/', keep),
      active: route.page === 'runs' || route.page === 'trace',
    },
    { label: 'Logs', to: href('/logs', withTenant), active: route.page === 'logs' },
    { label: 'Alerts', to: href('/alerts', withTenant), active: route.page === 'alerts' },
    { label: 'Doctor', to: href('/doctor', withTenant), active: route.page === 'doctor' },
    {
      label: 'Keys',
      to: href('/keys', keep),
      active: route.page === 'keys',
      hidden: whoami.kind !== 'admin',
    },
  ];

  return (
    <div className="app">
      <header className="topbar">
        <TenantSelector />
        <Link className="brand" href={href('/', keep)}>
          tenantry
        </Link>
        <nav aria-label="Pages">
          {nav
            .filter((n) => !n.hidden)
            .map((n) => (
              <Link
                key={n.label}
                href={n.to}
                className={n.active ? 'active' : undefined}
                aria-current={n.active ? 'page' : undefined}
              >
                {n.label}
              </Link>
            ))}
        </nav>
        <div className="spacer" />
        <TimeRangePicker />
        <button
          type="button"
          onClick={toggleTheme}
          aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}
          title="Theme"
        >
          {theme === 'dark' ? '☀' : '☾'}
        </button>
        <span className="muted key-kind" title={`key ${whoami.keyId}`}>
          {whoami.kind}
          {whoami.tenantId ? ` · ${whoami.tenantId}` : ''}
        </span>
        <button type="button" onClick={logout}>
          Sign out
        </button>
      </header>
      <main className="page">{children}</main>
    </div>
  );
}
