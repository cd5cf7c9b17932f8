import type { AlertHistoryResponse, AlertsResponse } from '../../api/types.js';
import { useApi } from '../../api/useApi.js';
import { usePaged } from '../../api/usePaged.js';
import { useTenant } from '../../controls/tenant.js';
import { fmtNum } from '../../ui/format.js';
import { QueryView } from '../../ui/states.js';
import { Time } from '../../ui/Time.js';
import { showValue } from '../trace/Attributes.js';
import { AlertList } from './AlertList.js';

interface AlertRule {
  id: string;
  name: string;
  kind: string;
  [k: string]: unknown;
}

/** Firing and pending alerts, their history, and the rules that make them. */
export function AlertsPage() {
  const { tenant } = useTenant();
  const alerts = useApi<AlertsResponse>('/alerts', { tenant });
  const history = usePaged<AlertHistoryResponse>('/alerts/history', {
    tenant,
    limit: 100,
  });
  const rules = useApi<{ items: AlertRule[] }>('/alert-rules');

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
                    <td>{rules.data?.items.find((r) => r.id === h.ruleId)?.name ?? h.ruleId}</td>
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
      <QueryView
        state={rules}
        onRetry={rules.reload}
        isEmpty={(d) => d.items.length === 0}
        empty="No alert rules are configured."
      >
        {(d) => (
          <table className="grid">
            <thead>
              <tr>
                <th>Rule</th>
                <th>Kind</th>
                <th>Settings</th>
              </tr>
            </thead>
            <tbody>
              {d.items.map((r) => {
                const { id, name, kind, ...rest } = r;
                return (
                  <tr key={id}>
                    <td>{name}</td>
                    <td>{kind}</td>
                    <td className="wrap mono">
                      {Object.entries(rest)
                        .map(([k, v]) => `${k}=${showValue(v)}`)
                        .join('  ')}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </QueryView>
    </section>
  );
}
