import type { DoctorFinding, DoctorResponse } from '../../api/types.js';
import { useApi } from '../../api/useApi.js';
import { Link } from '../../app/Link.js';
import { href } from '../../app/router.js';
import { useTenant } from '../../controls/tenant.js';
import { useTimeRange } from '../../controls/timeRange.js';
import { fmtNum } from '../../ui/format.js';
import { QueryView } from '../../ui/states.js';

const TITLES: Record<DoctorFinding['kind'], string> = {
  orphan_span: 'Orphan spans (parent not found)',
  missing_tenant: 'Spans without tenant.id',
  mixed_tenant_trace: 'Traces mixing tenants',
  unfinished_run: 'Runs that never ended',
  waiting_for_trace_tenant: "Spans waiting for their trace's tenant",
};

/** Propagation problems, each with examples that open the trace at the offending span. */
export function DoctorPage() {
  const range = useTimeRange();
  const { tenant } = useTenant();
  const doctor = useApi<DoctorResponse>('/doctor', { tenant, from: range.from, to: range.to });
  return (
    <section className="doctor-page">
      <div className="page-head">
        <h1>Doctor</h1>
        <span className="muted">context propagation and tenant tagging checks</span>
      </div>
      <QueryView
        state={doctor}
        onRetry={doctor.reload}
        isEmpty={(d) => d.findings.every((f) => f.count === 0)}
        empty="No propagation problems in this range. ✓"
      >
        {(d) => (
          <div className="findings">
            {d.findings
              .filter((f) => f.count > 0)
              .map((f) => (
                <article key={f.kind} className="panel finding" data-kind={f.kind}>
                  <h2>
                    <span className={`badge ${f.severity}`}>{f.severity}</span> {TITLES[f.kind]}{' '}
                    <span className="muted">× {fmtNum(f.count)}</span>
                  </h2>
                  <p>{f.hint}</p>
                  <table className="grid">
                    <thead>
                      <tr>
                        <th>Tenant</th>
                        <th>Span</th>
                        <th>Detail</th>
                        <th>Trace</th>
                      </tr>
                    </thead>
                    <tbody>
                      {f.examples.map((e) => (
                        <tr key={`${e.traceId}:${e.spanId}`}>
                          <td>{e.tenantId || '–'}</td>
                          <td>{e.name ?? '–'}</td>
                          <td className="wrap">{e.detail}</td>
                          <td>
                            <Link
                              href={href(`/traces/${e.traceId}`, {
                                span: e.spanId,
                                tenant: e.tenantId || null,
                              })}
                              className="mono"
                            >
                              {e.traceId.slice(0, 12)}…
                            </Link>
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </article>
              ))}
          </div>
        )}
      </QueryView>
    </section>
  );
}
