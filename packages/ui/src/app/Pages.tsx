import { useEffect } from 'react';
import { useSession } from '../auth/session-context.js';
import { tenantPath } from '../controls/tenant.js';
import { AlertsPage } from '../pages/alerts/AlertsPage.js';
import { DoctorPage } from '../pages/doctor/DoctorPage.js';
import { KeysPage } from '../pages/keys/KeysPage.js';
import { LogsPage } from '../pages/logs/LogsPage.js';
import { OverviewPage } from '../pages/overview/OverviewPage.js';
import { RunsPage } from '../pages/runs/RunsPage.js';
import { TenantPage } from '../pages/tenant/TenantPage.js';
import { TracePage } from '../pages/trace/TracePage.js';
import { Empty } from '../ui/states.js';
import { Link } from './Link.js';
import { matchRoute, navigate, useUrl } from './router.js';

/** Picks the page for the current path. */
export function Pages() {
  const { path } = useUrl();
  const { whoami } = useSession();
  const route = matchRoute(path);
  const bound = whoami.tenantId;

  // A tenant-bound key has no fleet overview: its home is its own tenant.
  // Its tenant pages are its own tenant's: another tenant's path is rewritten, not queried.
  const foreign =
    (route.page === 'tenant' || route.page === 'runs') && bound && route.tenant !== bound;
  useEffect(() => {
    if (bound && route.page === 'overview') navigate(tenantPath(bound), { replace: true });
    if (foreign && bound)
      navigate(tenantPath(bound, route.page === 'runs' ? '/runs' : ''), { replace: true });
    if (route.page === 'login') navigate('/', { replace: true });
  }, [bound, route.page, foreign]);

  switch (route.page) {
    case 'overview':
    case 'login':
      return bound ? null : <OverviewPage />;
    case 'tenant':
      if (foreign) return null;
      return <TenantPage key={route.tenant} tenant={route.tenant} />;
    case 'runs':
      if (foreign) return null;
      return <RunsPage tenant={route.tenant} />;
    case 'trace':
      return <TracePage key={route.traceId} traceId={route.traceId} />;
    case 'logs':
      return <LogsPage />;
    case 'alerts':
      return <AlertsPage />;
    case 'doctor':
      return <DoctorPage />;
    case 'keys':
      return whoami.kind === 'admin' ? (
        <KeysPage />
      ) : (
        <Empty>Only an admin key can manage keys.</Empty>
      );
    case 'notFound':
      return (
        <Empty>
          No page at <code>{route.path}</code>. <Link href="/">Go to the overview</Link>.
        </Empty>
      );
  }
}
