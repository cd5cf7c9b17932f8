import type { WhyChange, WhyFinding, WhyResponse } from '../../api/types.js';
import type { ApiState } from '../../api/useApi.js';
import { Link } from '../../app/Link.js';
import { href } from '../../app/router.js';
import { tenantPath } from '../../controls/tenant.js';
import { fmtPct } from '../../ui/format.js';
import { QueryView } from '../../ui/states.js';
import { FIELD_LABEL, sideText } from './why.js';

/**
 * "Why is this tenant failing?": what its failing runs share that its passing runs do not, the
 * versions that appeared in the range, and a link to a failing and a passing run per finding.
 */
export function WhyPanel({
  tenant,
  why,
  keep,
  cohort = 'failed',
  onCohort,
}: {
  tenant: string;
  /** GET /tenants/:tenant/why, fetched by the page (its changes also mark the charts). */
  why: ApiState<WhyResponse> & { reload: () => void };
  keep: Record<string, string | null>;
  /** Failing runs vs passing (default), or runs scored negatively vs the rest. */
  cohort?: WhyResponse['cohort'];
  onCohort?: (cohort: WhyResponse['cohort']) => void;
}) {
  const run = (traceId: string | null, label: string) =>
    traceId ? <Link href={href(`/traces/${traceId}`, { tenant })}>{label}</Link> : null;
  const scored = cohort === 'negative_feedback';
  // The runs list filtered by the finding (and the side's outcome): the runs the counts stand for.
  const runsWith = (f: WhyFinding, status: 'error' | 'ok' | null, label: string) => (
    <Link
      href={href(tenantPath(tenant, '/runs'), {
        ...keep,
        field: f.field,
        value: f.value,
        status,
      })}
      title={`runs with ${FIELD_LABEL[f.field]} ${f.value}`}
    >
      {label}
    </Link>
  );
  const [mine, rest] = scored ? ['Negatively scored', 'Other'] : ['Failing', 'Passing'];
  return (
    <section className="panel why-panel" data-testid="why-panel">
      <h2>
        {scored ? 'What runs users marked wrong share' : 'What failing runs share'}{' '}
        {!scored && (
          <Link href={href(tenantPath(tenant, '/runs'), { ...keep, status: 'error' })}>
            (open the failing runs)
          </Link>
        )}
      </h2>
      {onCohort && (
        <label className="muted">
          <input
            type="checkbox"
            data-testid="why-cohort"
            checked={scored}
            onChange={(e) => onCohort(e.target.checked ? 'negative_feedback' : 'failed')}
          />{' '}
          negative feedback: compare the runs scored below 0.5 with the rest
        </label>
      )}
      <QueryView
        state={why}
        onRetry={why.reload}
        isEmpty={(d) => d.failedRuns === 0}
        empty={
          scored ? 'No negatively scored runs in this range.' : 'No failing runs in this range.'
        }
      >
        {(d) => (
          <>
            {d.summary && (
              <p className="why-summary" data-testid="why-summary">
                {d.summary}
              </p>
            )}
            {d.changes.map((c) => (
              <p key={c.event?.id ?? `${c.field}=${c.value}`} className="muted">
                {changeSubject(c)} <span className="mono">{c.value}</span>{' '}
                {c.event ? 'at' : 'first seen'} {new Date(c.firstSeen).toLocaleTimeString()}:
                failure rate {fmtPct(c.failureRateBefore)} → {fmtPct(c.failureRateAfter)}
              </p>
            ))}
            <table className="grid">
              <thead>
                <tr>
                  <th>What</th>
                  <th>Value</th>
                  <th className="num">
                    {mine} runs ({d.failedRuns})
                  </th>
                  <th className="num">
                    {rest} runs ({d.passedRuns})
                  </th>
                  <th>Runs</th>
                </tr>
              </thead>
              <tbody>
                {d.findings.map((f: WhyFinding) => (
                  <tr key={`${f.field}=${f.value}`} data-field={f.field}>
                    <td title={f.field}>{FIELD_LABEL[f.field]}</td>
                    <td className="mono" title={f.value}>
                      {f.value.length > 80 ? `${f.value.slice(0, 80)}…` : f.value}
                    </td>
                    <td className="num">
                      {runsWith(f, scored ? null : 'error', sideText(f.failing))}
                    </td>
                    <td className="num">
                      {scored ? sideText(f.passing) : runsWith(f, 'ok', sideText(f.passing))}
                    </td>
                    <td>
                      {run(f.failingTraceId, scored ? 'a run marked wrong' : 'a failing run')}
                      {f.failingTraceId && f.passingTraceId ? ' · ' : null}
                      {run(f.passingTraceId, scored ? 'another run' : 'a passing run')}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </QueryView>
    </section>
  );
}

/** "service.version", or for a change event its kind ("deploy", "incident", ...). */
function changeSubject(c: WhyChange): string {
  return c.event ? c.event.kind.replace('_', ' ') : c.field;
}
