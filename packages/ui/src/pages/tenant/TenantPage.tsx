import { useMemo, useState } from 'react';
import type {
  AlertsResponse,
  Page,
  RunSummary,
  TenantsResponse,
  WhyChange,
  WhyResponse,
} from '../../api/types.js';
import { useApi } from '../../api/useApi.js';
import { Link } from '../../app/Link.js';
import { href, useUrl } from '../../app/router.js';
import { useSession } from '../../auth/session-context.js';
import { carryParams, tenantPath } from '../../controls/tenant.js';
import { useTimeRange } from '../../controls/timeRange.js';
import { fmtNum, fmtPct, fmtUsd } from '../../ui/format.js';
import { QueryView } from '../../ui/states.js';
import { AlertList } from '../alerts/AlertList.js';
import { RunTable } from '../runs/RunTable.js';
import { FleetComparison } from './FleetComparison.js';
import { median } from './fleet.js';
import { RedactionPanel } from './RedactionPanel.js';
import { TenantCharts } from './TenantCharts.js';
import { WhyPanel } from './WhyPanel.js';

/** One tenant's health: firing alerts first, then charts against the fleet, then failed runs. */
export function TenantPage({ tenant }: { tenant: string }) {
  const range = useTimeRange();
  const { whoami } = useSession();
  const { search } = useUrl();
  const keep = carryParams(search);
  const days = Math.max((range.toMs - range.fromMs) / 86_400_000, 1 / 24);

  // The fleet list feeds both this tenant's row and the medians; a bound key's fleet is itself.
  const fleet = useApi<TenantsResponse>('/tenants', {
    from: range.from,
    to: range.to,
    limit: 1000,
  });
  const alerts = useApi<AlertsResponse>('/alerts', { tenant });
  const failed = useApi<Page<RunSummary>>('/runs', {
    tenant,
    status: 'error',
    from: range.from,
    to: range.to,
    limit: 10,
  });

  // One analysis for the why panel and the charts' version markers.
  const why = useApi<WhyResponse>(`/tenants/${encodeURIComponent(tenant)}/why`, {
    from: range.from,
    to: range.to,
    limit: 8,
  });
  const changes = why.data?.changes ?? NO_CHANGES;
  // The panel's other cohort (runs users scored negatively), fetched only once it is asked for.
  const [cohort, setCohort] = useState<WhyCohort>('failed');
  const scoredWhy = useApi<WhyResponse>(
    cohort === 'negative_feedback' ? `/tenants/${encodeURIComponent(tenant)}/why` : null,
    { from: range.from, to: range.to, limit: 8, cohort: 'negative_feedback' },
  );

  const mine = fleet.data?.items.find((t) => t.tenantId === tenant) ?? null;
  const showFleet = whoami.tenantId === null;
  const medians = useMemo(() => {
    const items = showFleet ? (fleet.data?.items ?? []) : [];
    const vals = (f: (t: TenantsResponse['items'][number]) => number | null) =>
      median(items.map(f).filter((v): v is number => v !== null));
    return {
      p95: vals((t) => t.runLatencyMs.p95),
      failure: vals((t) => t.failureRate),
      toolErrors: vals((t) => t.toolErrorRate),
    };
  }, [fleet.data, showFleet]);

  const active = (alerts.data?.items ?? []).filter(
    (a) => a.state === 'firing' || a.state === 'pending',
  );

  return (
    <section className="tenant-page">
      <div className="page-head">
        <h1>
          Tenant <span className="mono">{tenant}</span>
        </h1>
        {mine && (
          <span className="muted">
            {fmtNum(mine.runs)} runs · {fmtPct(mine.failureRate)} failed ·{' '}
            {fmtNum(mine.inputTokens + mine.outputTokens)} tokens · {fmtUsd(mine.cost.usd)}
            {mine.feedback.count > 0 && (
              <span data-testid="feedback-summary">
                {' '}
                · {fmtNum(mine.feedback.count)} scores, {fmtPct(mine.feedback.negativeShare)}{' '}
                negative, mean {mine.feedback.meanScore?.toFixed(2)}
              </span>
            )}
          </span>
        )}
        <Link href={href(tenantPath(tenant, '/runs'), keep)}>All runs →</Link>
      </div>

      <h2>Firing alerts</h2>
      <QueryView
        state={alerts}
        onRetry={alerts.reload}
        isEmpty={() => active.length === 0}
        empty="No firing or pending alerts for this tenant."
      >
        {() => <AlertList alerts={active} showTenant={false} />}
      </QueryView>

      <div className={showFleet ? 'tenant-grid' : 'tenant-grid single'}>
        <div>
          <TenantCharts tenant={tenant} range={range} medians={medians} changes={changes} />
        </div>
        {showFleet && (
          <aside className="panel">
            <h2>Against the fleet median</h2>
            <QueryView state={fleet} onRetry={fleet.reload}>
              {(d) => <FleetComparison tenant={mine} fleet={d.items} days={days} />}
            </QueryView>
          </aside>
        )}
      </div>

      <WhyPanel
        tenant={tenant}
        why={cohort === 'failed' ? why : scoredWhy}
        keep={keep}
        cohort={cohort}
        onCohort={setCohort}
      />

      <h2>
        Recent failed runs{' '}
        <Link href={href(tenantPath(tenant, '/runs'), { ...keep, status: 'error' })}>
          (all failed runs)
        </Link>
      </h2>
      <QueryView
        state={failed}
        onRetry={failed.reload}
        isEmpty={(d) => d.items.length === 0}
        empty="No failed runs in this range."
      >
        {(d) => <RunTable runs={d.items} />}
      </QueryView>

      <RedactionPanel tenant={tenant} />
    </section>
  );
}

const NO_CHANGES: WhyChange[] = [];

type WhyCohort = WhyResponse['cohort'];
