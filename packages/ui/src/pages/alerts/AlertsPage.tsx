import type { AlertHistoryResponse, AlertsResponse } from '../../api/types.js';
import { useApi } from '../../api/useApi.js';
import { usePaged } from '../../api/usePaged.js';
import { useSession } from '../../auth/session-context.js';
import { useTenant } from '../../controls/tenant.js';
import { fmtNum } from '../../ui/format.js';
import { Empty, QueryView } from '../../ui/states.js';
import { Time } from '../../ui/Time.js';
import { AlertList } from './AlertList.js';
import { AlertRules, useRuleNames } from './AlertRules.js';

/** Firing and pending alerts, their history, and the rules that make them. */
export function AlertsPage() {
  const { tenant } = useTenant();
  const alerts = useApi<AlertsResponse>('/alerts', { tenant });
  const history = usePaged<AlertHistoryResponse>('/alerts/history', {
    tenant,
    limit: 100,
  });
  const { whoami } = useSession();
  const ruleNames = useRuleNames(whoami.kind === 'admin');

  return (
    <section className="alerts-page">
      <div className="page-head">
        <h1>Alerts</h1>
        {tenant && <span className="muted">tenant {tenant}</span>}
      </div>
      <h2>Firing and pending</h2>
      <QueryView
        state={alerts}
        onRetry={alerts.reload}
        isEmpty={(d) => !d.items.some((a) => a.state === 'firing' || a.state === 'pending')}
        empty="Nothing is firing or pending."
      >
        {(d) => (
          <AlertList
            alerts={d.items
              .filter((a) => a.state === 'firing' || a.state === 'pending')
              .sort((a, b) => (a.state === b.state ? 0 : a.state === 'firing' ? -1 : 1))}
            showTenant={!tenant}
          />
        )}
      </QueryView>

      <h2>History</h2>
      <QueryView
        state={history}
        onRetry={history.reload}
        isEmpty={(d) => d.items.length === 0}
        empty="No state changes yet."
      >
        {(d) => (
          <>
            <table className="grid">
              <thead>
                <tr>
                  <th>At</th>
                  {!tenant && <th>Tenant</th>}
                  <th>Rule</th>
                  <th>Transition</th>
                  <th className="num">Value / threshold</th>
                </tr>
              </thead>
              <tbody>
                {d.items.map((h) => (
                  <tr key={`${h.at}:${h.ruleId}:${h.tenantId}:${h.to}`}>
                    <td>
                      <Time value={h.at} />
                    </td>
                    {!tenant && <td>{h.tenantId}</td>}
                    <td>{ruleNames.get(h.ruleId) ?? h.ruleId}</td>
                    <td>
                      <span className={`badge ${h.from}`}>{h.from}</span> →{' '}
                      <span className={`badge ${h.to}`}>{h.to}</span>
                    </td>
                    <td className="num">
                      {fmtNum(h.value)} / {fmtNum(h.threshold)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {history.more && (
              <button type="button" onClick={history.more} disabled={history.loadingMore}>
                Load more
              </button>
            )}
          </>
        )}
      </QueryView>

      <h2>Rules</h2>
      {whoami.kind === 'admin' ? (
        <AlertRules />
      ) : (
        <Empty>Alert rules are visible to admin keys.</Empty>
      )}
    </section>
  );
}
