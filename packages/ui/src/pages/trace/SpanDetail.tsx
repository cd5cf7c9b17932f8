import { Link } from '../../app/Link.js';
import { href } from '../../app/router.js';
import { fmtMs, fmtNum } from '../../ui/format.js';
import { Time } from '../../ui/Time.js';
import { Attributes, showValue } from './Attributes.js';
import { LogLines } from './LogLines.js';
import { displayCategory, type SpanNode } from './tree.js';

/** Everything about one span: status and exception first, since that is what one came for. */
export function SpanDetail(props: {
  node: SpanNode;
  onSelect: (spanId: string) => void;
  parentName: string | null;
  /** Tokens summed over the run's subtree when this span is an agent run. */
  runTokens: { inputTokens: number; outputTokens: number } | null;
}) {
  const { node, onSelect, parentName, runTokens } = props;
  const s = node.span;
  const cat = displayCategory(node);
  const exceptions = s.events.filter((e) => e.name === 'exception');
  const others = s.events.filter((e) => e.name !== 'exception');
  const subAgents = node.children.filter((c) => c.span.category === 'agent');

  return (
    <aside className="span-detail panel" aria-label="Span detail" data-span-id={s.spanId}>
      <h2 className={`cat-${cat}`}>
        <span className="legend-swatch" />
        {s.name}
      </h2>
      <div className="kv">
        <span>status</span>
        <span className={`badge ${s.status}`}>{s.status}</span>
        <span>category</span>
        <span>{cat}</span>
        <span>duration</span>
        <span>{fmtMs(s.durationMs)}</span>
        <span>start</span>
        <Time value={s.startTime} />
        <span>service</span>
        <span>{s.serviceName}</span>
        <span>span id</span>
        <span className="mono">{s.spanId}</span>
        {parentName && s.parentSpanId && (
          <>
            <span>parent</span>
            <button type="button" className="linkish" onClick={() => onSelect(s.parentSpanId!)}>
              {parentName}
            </button>
          </>
        )}
        {s.model && (
          <>
            <span>model</span>
            <span>
              {s.provider ? `${s.provider} · ` : ''}
              {s.model}
            </span>
          </>
        )}
        {(s.inputTokens !== null || s.outputTokens !== null) && (
          <>
            <span>tokens</span>
            <span>
              {fmtNum(s.inputTokens ?? 0)} in · {fmtNum(s.outputTokens ?? 0)} out
            </span>
          </>
        )}
        {runTokens && (
          <>
            <span>run tokens</span>
            <span>
              {fmtNum(runTokens.inputTokens)} in · {fmtNum(runTokens.outputTokens)} out
            </span>
          </>
        )}
        {s.toolName && (
          <>
            <span>tool</span>
            <span>{s.toolName}</span>
          </>
        )}
      </div>

      {(s.status === 'error' || exceptions.length > 0) && (
        <section className="span-error" data-testid="span-error">
          <h3>Error</h3>
          {s.errorType &&
            !exceptions.some((e) => e.attributes['exception.type'] === s.errorType) && (
              <div>
                <strong>{s.errorType}</strong>
              </div>
            )}
          {s.statusMessage && !exceptions.some((e) => restates(s.statusMessage!, e.attributes)) && (
            <div className="mono">{s.statusMessage}</div>
          )}
          {exceptions.map((e) => (
            <div key={e.timeUnixNano} className="exception">
              <div>
                <strong>{showValue(e.attributes['exception.type'])}</strong>{' '}
                {showValue(e.attributes['exception.message'])}
              </div>
              {typeof e.attributes['exception.stacktrace'] === 'string' && (
                <details>
                  <summary>stack trace</summary>
                  <pre>{e.attributes['exception.stacktrace']}</pre>
                </details>
              )}
            </div>
          ))}
        </section>
      )}

      <section data-testid="span-logs">
        <h3>Logs ({s.logs.length})</h3>
        {s.logs.length === 0 ? (
          <div className="muted">No logs were written inside this span.</div>
        ) : (
          <LogLines logs={s.logs} />
        )}
      </section>

      {subAgents.length > 0 && (
        <section>
          <h3>Sub-agents</h3>
          <ul className="plain">
            {subAgents.map((c) => (
              <li key={c.span.spanId}>
                <button type="button" className="linkish" onClick={() => onSelect(c.span.spanId)}>
                  {c.span.name}
                </button>{' '}
                <span className="muted">{fmtMs(c.span.durationMs)}</span>
              </li>
            ))}
          </ul>
        </section>
      )}

      {s.links.length > 0 && (
        <section>
          <h3>Links</h3>
          <ul className="plain">
            {s.links.map((l) => (
              <li key={`${l.traceId}:${l.spanId}`}>
                <Link
                  href={href(`/traces/${l.traceId}`, { span: l.spanId, tenant: s.tenantId })}
                  className="mono"
                >
                  {l.traceId.slice(0, 16)}… / {l.spanId}
                </Link>
              </li>
            ))}
          </ul>
        </section>
      )}

      <section>
        <h3>Attributes</h3>
        <Attributes attrs={s.attributes} />
      </section>

      {others.length > 0 && (
        <section>
          <h3>Events</h3>
          <ul className="plain">
            {others.map((e) => (
              <li key={`${e.timeUnixNano}:${e.name}`}>
                <details>
                  <summary>
                    <Time value={e.time} /> {e.name}
                  </summary>
                  <Attributes attrs={e.attributes} />
                </details>
              </li>
            ))}
          </ul>
        </section>
      )}

      <details>
        <summary>Resource</summary>
        <Attributes attrs={s.resourceAttributes} />
      </details>
    </aside>
  );
}

/** A status message that only repeats the exception ("Type: message") is not shown twice. */
function restates(status: string, attrs: Record<string, unknown>): boolean {
  const msg = attrs['exception.message'];
  return typeof msg === 'string' && msg.length > 0 && status.includes(msg);
}
