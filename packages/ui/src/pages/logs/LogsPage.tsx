import type { LogsResponse } from '../../api/types.js';
import { usePaged } from '../../api/usePaged.js';
import { Link } from '../../app/Link.js';
import { href, setParams, useUrl } from '../../app/router.js';
import { useTenant } from '../../controls/tenant.js';
import { useTimeRange } from '../../controls/timeRange.js';
import { DebouncedInput } from '../../ui/DebouncedInput.js';
import { QueryView } from '../../ui/states.js';
import { Time } from '../../ui/Time.js';
import { levelClass } from '../trace/LogLines.js';

const setFilter = (k: string) => (v: string) => setParams({ [k]: v }, { replace: true });

/** Log search by text, level and agent; each line opens its trace at its span. */
export function LogsPage() {
  const range = useTimeRange();
  const { tenant } = useTenant();
  const { search } = useUrl();
  const q = search.get('q') ?? '';
  const level = search.get('level') ?? '';
  const agent = search.get('agent') ?? '';
  const traceId = search.get('traceId') ?? '';

  const logs = usePaged<LogsResponse>('/logs', {
    tenant,
    from: range.from,
    to: range.to,
    q,
    level,
    agent,
    traceId,
    limit: 200,
  });

  return (
    <section className="logs-page">
      <div className="page-head">
        <h1>Logs</h1>
        <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Log filters">
          <span className="field">
            Text
            <DebouncedInput
              aria-label="Text"
              type="search"
              value={q}
              onValue={setFilter('q')}
              placeholder="search…"
            />
          </span>
          <label>
            Level{' '}
            <select value={level} onChange={(e) => setParams({ level: e.target.value })}>
              <option value="">any</option>
              <option value="debug">debug+</option>
              <option value="info">info+</option>
              <option value="warn">warn+</option>
              <option value="error">error+</option>
            </select>
          </label>
          <span className="field">
            Agent
            <DebouncedInput
              aria-label="Agent"
              value={agent}
              onValue={setFilter('agent')}
              placeholder="agent id"
            />
          </span>
          {traceId && (
            <button type="button" onClick={() => setParams({ traceId: null })}>
              trace {traceId.slice(0, 8)}… ✕
            </button>
          )}
        </form>
      </div>
      <QueryView
        state={logs}
        onRetry={logs.reload}
        isEmpty={(d) => d.items.length === 0}
        empty="No log records match in this range."
      >
        {(d) => (
          <>
            <div className="table-scroll">
              <table className="grid logs-table">
                <thead>
                  <tr>
                    <th>Time</th>
                    <th>Level</th>
                    {!tenant && <th>Tenant</th>}
                    <th>Service</th>
                    <th>Agent</th>
                    <th>Message</th>
                    <th>Trace</th>
                  </tr>
                </thead>
                <tbody>
                  {d.items.map((l) => (
                    <tr key={`${l.timeUnixNano}:${l.spanId}:${l.body}`}>
                      <td>
                        <Time value={l.time} />
                      </td>
                      <td>
                        <span className={`badge ${levelClass(l.severityNumber)}`}>
                          {l.severityText || l.severityNumber}
                        </span>
                      </td>
                      {!tenant && <td>{l.tenantId}</td>}
                      <td>{l.serviceName}</td>
                      <td>{l.agentId ?? '–'}</td>
                      <td className="wrap log-body">{l.body}</td>
                      <td>
                        {l.traceId ? (
                          <Link
                            href={href(`/traces/${l.traceId}`, {
                              span: l.spanId,
                              tenant: l.tenantId,
                            })}
                            className="mono"
                          >
                            {l.traceId.slice(0, 8)}…
                          </Link>
                        ) : (
                          '–'
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {logs.more && (
              <button type="button" onClick={logs.more} disabled={logs.loadingMore}>
                {logs.loadingMore ? 'Loading…' : 'Load more'}
              </button>
            )}
          </>
        )}
      </QueryView>
    </section>
  );
}
