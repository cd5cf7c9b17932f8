import { useApi } from '../../api/useApi.js';
import { fmtNum, fmtPct } from '../../ui/format.js';
import { QueryView } from '../../ui/states.js';
import { type RedactionsResponse, redactionRows } from './redactions.js';

/**
 * What ingest redacted for this tenant, by type: counts only (the server never keeps the values).
 * Counted since the server started; Prometheus has tenantry_redacted_total for longer history.
 */
export function RedactionPanel({ tenant }: { tenant: string }) {
  const state = useApi<RedactionsResponse>(`/tenants/${encodeURIComponent(tenant)}/redactions`);
  return (
    <section className="panel redaction-panel">
      <h2>Redacted at ingest</h2>
      <QueryView
        state={state}
        onRetry={state.reload}
        isEmpty={(d) => d.total === 0}
        empty="Nothing redacted for this tenant since the server started."
      >
        {(d) => (
          <>
            <table className="grid">
              <thead>
                <tr>
                  <th>Type</th>
                  <th className="num">Values</th>
                  <th className="num">Share</th>
                </tr>
              </thead>
              <tbody>
                {redactionRows(d).map((r) => (
                  <tr key={r.type}>
                    <td title={r.type}>{r.label}</td>
                    <td className="num">{fmtNum(r.count)}</td>
                    <td className="num">{fmtPct(r.share)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p className="muted">
              {fmtNum(d.total)} values since {new Date(d.since).toLocaleString()}; counts only,
              never the values.
            </p>
          </>
        )}
      </QueryView>
    </section>
  );
}
