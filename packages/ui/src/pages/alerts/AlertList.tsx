import type { AlertView } from '../../api/types.js';
import { Link } from '../../app/Link.js';
import { href } from '../../app/router.js';
import { fmtMs, fmtNum, fmtPct } from '../../ui/format.js';
import { Time } from '../../ui/Time.js';

/** The server's dashboardUrl is absolute to its public URL; keep only the in-app path + query. */
export function inAppPath(url: string): string {
  try {
    const u = new URL(url, window.location.origin);
    return u.pathname + u.search;
  } catch {
    return url;
  }
}

/** Values in the unit of the rule's kind (rates as %, latency in ms). */
export function fmtAlertValue(kind: string, v: number): string {
  if (kind === 'failure_rate' || kind === 'tool_error_rate' || kind === 'negative_feedback')
    return fmtPct(v);
  if (kind === 'latency') return fmtMs(v);
  if (kind === 'token_anomaly') return `${v.toFixed(1)}×`;
  return fmtNum(v);
}

export function AlertList({ alerts, showTenant }: { alerts: AlertView[]; showTenant: boolean }) {
  return (
    <table className="grid alerts-table">
      <thead>
        <tr>
          <th>State</th>
          <th>Severity</th>
          {showTenant && <th>Tenant</th>}
          <th>Rule</th>
          <th>Summary</th>
          <th className="num">Value / threshold</th>
          <th>Since</th>
          <th>Links</th>
        </tr>
      </thead>
      <tbody>
        {alerts.map((a) => (
          <tr key={a.id} data-alert-state={a.state}>
            <td>
              <span className={`badge ${a.state}`}>{a.state}</span>
            </td>
            <td>
              <span className={`badge ${a.severity}`}>{a.severity}</span>
            </td>
            {showTenant && <td>{a.tenantId}</td>}
            <td title={a.ruleKind}>{a.ruleName}</td>
            <td className="wrap">{a.summary}</td>
            <td className="num">
              {fmtAlertValue(a.ruleKind, a.value)} / {fmtAlertValue(a.ruleKind, a.threshold)}
            </td>
            <td>
              <Time value={a.since} />
            </td>
            <td>
              {a.dashboardUrl && <Link href={inAppPath(a.dashboardUrl)}>runs</Link>}
              {a.exampleTraceId && (
                <>
                  {' · '}
                  <Link href={href(`/traces/${a.exampleTraceId}`, { tenant: a.tenantId })}>
                    example trace
                  </Link>
                </>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
