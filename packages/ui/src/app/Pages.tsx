import { useEffect } from 'react';
import { useSession } from '../auth/session-context.js';
import { tenantPath } from '../controls/tenant.js';
import { OverviewPage } from '../pages/overview/OverviewPage.js';
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
  useEffect(() => {
    if (bound && route.page === 'overview') navigate(tenantPath(bound), { replace: true });
    if (route.page === 'login') navigate('/', { replace: true });
  }, [bound, route.page]);

  switch (route.page) {
    case 'overview':
      return bound ? null : <OverviewPage />;
    case 'notFound':
      return (
        <Empty>
          No page at <code>{route.path}</code>. <Link href="/">Go to the overview</Link>.
        </Empty>
      );
    default:
      return <Empty>This page is not built yet.</Empty>;
  }
}
