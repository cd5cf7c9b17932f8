import type { RunSummary } from '../../api/types.js';
import { Link } from '../../app/Link.js';
import { href } from '../../app/router.js';
import { fmtMs, fmtNum } from '../../ui/format.js';
import { Time } from '../../ui/Time.js';

/** Agent runs; each row opens its trace (with the run's root span selected). */
export function RunTable({
  runs,
  showTenant = false,
}: {
  runs: RunSummary[];
  showTenant?: boolean;
}) {
  return (
    <table className="grid runs-table">
      <thead>
        <tr>
          <th>Started</th>
          <th>Status</th>
          {showTenant && <th>Tenant</th>}
          <th>Run</th>
          <th className="num">Duration</th>
          <th className="num">Tokens</th>
          <th className="num">LLM</th>
          <th className="num">Tools (err)</th>
          <th>User</th>
          <th>First error</th>
        </tr>
      </thead>
      <tbody>
        {runs.map((r) => (
          <tr key={`${r.traceId}:${r.spanId}`} data-trace-id={r.traceId} data-status={r.status}>
            <td>
              <Time value={r.startTime} />
            </td>
            <td>
              <span className={`badge ${r.status}`}>{r.status}</span>
            </td>
            {showTenant && <td>{r.tenantId}</td>}
            <td>
              <Link
                href={href(`/traces/${r.traceId}`, { span: r.spanId, tenant: r.tenantId })}
                className="run-link"
              >
                {r.agentName ?? r.name}
              </Link>
            </td>
            <td className="num">{fmtMs(r.durationMs)}</td>
            <td className="num">{fmtNum(r.inputTokens + r.outputTokens)}</td>
            <td className="num">{r.llmCalls}</td>
            <td className="num">
              {r.toolCalls}
              {r.toolErrors > 0 && <span className="bad"> ({r.toolErrors})</span>}
            </td>
            <td>{r.userId ?? '–'}</td>
            <td className="wrap error-cell" title={r.firstError ?? undefined}>
              {r.firstError ?? ''}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
