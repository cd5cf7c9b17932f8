import { Fragment } from 'react';
import type { AlertView } from '../../api/types.js';
import { Link } from '../../app/Link.js';
import { href } from '../../app/router.js';
import { tenantPath } from '../../controls/tenant.js';
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
  const columns = showTenant ? 8 : 7;
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
          <Fragment key={a.id}>
            <tr data-alert-state={a.state} data-alert-id={a.id}>
              <td>
                <span className={`badge ${a.state}`}>{a.state}</span>
              </td>
              <td>
                <span className={`badge ${a.severity}`}>{a.severity}</span>
              </td>
              {showTenant && <td>{a.tenantId}</td>}
              <td title={a.ruleKind} className="wrap">
                {a.ruleName}
              </td>
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
            {a.suspect && <SuspectRow alert={a} columns={columns} />}
          </Fragment>
        ))}
      </tbody>
    </table>
  );
}

/**
 * What the alert's firing notification named: the findings failing runs share and the change they
 * followed, with a failing and a passing run to compare, and the tenant page's why panel for more.
 */
function SuspectRow({ alert, columns }: { alert: AlertView; columns: number }) {
  const s = alert.suspect;
  if (!s) return null;
  const trace = (traceId: string) => href(`/traces/${traceId}`, { tenant: alert.tenantId });
  return (
    <tr className="alert-suspect" data-suspect-for={alert.id}>
      <td colSpan={columns} className="wrap">
        <span className="badge">suspect</span>{' '}
        <span data-testid="suspect-summary">{s.summary}</span>
        <div className="suspect-links">
          {s.failingTraceId && <Link href={trace(s.failingTraceId)}>a failing run</Link>}
          {s.passingTraceId && <Link href={trace(s.passingTraceId)}>a passing run</Link>}
          <Link href={tenantPath(alert.tenantId)}>why, on the tenant page</Link>
        </div>
      </td>
    </tr>
  );
}
