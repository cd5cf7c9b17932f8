import { useCallback, useEffect, useMemo, useState } from 'react';
import type { TraceResponse } from '../../api/types.js';
import { useApi } from '../../api/useApi.js';
import { Link } from '../../app/Link.js';
import { href, setParams, useUrl } from '../../app/router.js';
import { tenantPath } from '../../controls/tenant.js';
import { fmtMs, fmtNum } from '../../ui/format.js';
import { QueryView } from '../../ui/states.js';
import { LogLines } from './LogLines.js';
import { SpanDetail } from './SpanDetail.js';
import { ancestors, buildTree, type SpanTree, serviceVersions } from './tree.js';
import { CATEGORY_LABELS, Waterfall } from './Waterfall.js';

/** `/traces/<id>?span=<spanId>`: the waterfall and the selected span's detail side by side. */
export function TracePage({ traceId }: { traceId: string }) {
  // A trace is (tenant, trace id): the URL's tenant picks whose spans, when several used the id.
  const tenant = useUrl().search.get('tenant');
  const trace = useApi<TraceResponse>(
    `/traces/${encodeURIComponent(traceId)}`,
    tenant ? { tenant } : {},
  );
  return (
    <QueryView
      state={trace}
      onRetry={trace.reload}
      isEmpty={(d) => d.spans.length === 0}
      empty="This trace has no spans."
    >
      {(d) => <TraceView trace={d} />}
    </QueryView>
  );
}

function TraceView({ trace }: { trace: TraceResponse }) {
  const { search } = useUrl();
  const tree = useMemo(() => buildTree(trace.spans), [trace]);
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const [query, setQuery] = useState('');
  const [errorsOnly, setErrorsOnly] = useState(false);

  const firstRoot = tree.roots[0]?.span.spanId ?? null;
  const requested = search.get('span');
  const selected = requested && tree.byId.has(requested) ? requested : firstRoot;
  const node = selected ? tree.byId.get(selected) : undefined;

  const select = useCallback(
    (spanId: string) => {
      // A span inside a collapsed subtree is revealed, not silently selected off-screen.
      const hidden = ancestors(tree, spanId).filter((a) => collapsed.has(a));
      if (hidden.length) setCollapsed((c) => new Set([...c].filter((id) => !hidden.includes(id))));
      setParams({ span: spanId }, { replace: true });
    },
    [tree, collapsed],
  );
  const toggle = useCallback(
    (spanId: string) =>
      setCollapsed((c) => {
        const next = new Set(c);
        if (next.has(spanId)) next.delete(spanId);
        else next.add(spanId);
        return next;
      }),
    [],
  );

  const highlight = useMemo(() => matching(tree, query, errorsOnly), [tree, query, errorsOnly]);
  const errorCount = useMemo(() => trace.spans.filter((s) => s.status === 'error').length, [trace]);
  const services = useMemo(() => serviceVersions(trace.spans), [trace]);

  // The tenant filter follows the trace, so moving on to Logs or Alerts stays on this tenant.
  const tenantParam = search.get('tenant');
  useEffect(() => {
    if (tenantParam !== trace.tenantId) setParams({ tenant: trace.tenantId }, { replace: true });
  }, [tenantParam, trace.tenantId]);

  // The e2e run measures data-arrived → waterfall-drawn with this mark (the next frame).
  useEffect(() => {
    const id = requestAnimationFrame(() =>
      performance.mark('tenantry:trace-rendered', { detail: { spans: trace.spans.length } }),
    );
    return () => cancelAnimationFrame(id);
  }, [trace]);

  const jumpToMatch = () => {
    if (!highlight || highlight.size === 0) return;
    const ids = [...highlight];
    const order = trace.spans.map((s) => s.spanId).filter((id) => highlight.has(id));
    const at = selected ? order.indexOf(selected) : -1;
    select(order[(at + 1) % order.length] ?? ids[0]!);
  };

  const root = tree.roots[0]?.span;
  return (
    <section className="trace-page">
      <div className="page-head">
        <h1>
          {root?.name ?? 'Trace'}{' '}
          <span className="muted mono" title="trace id">
            {trace.traceId}
          </span>
        </h1>
        <Link href={tenantPath(trace.tenantId)}>tenant {trace.tenantId}</Link>
        {trace.tenants.length > 1 && (
          <span className="warn" data-testid="other-tenants">
            this trace id is also used by{' '}
            {trace.tenants
              .filter((t) => t !== trace.tenantId)
              .map((t) => (
                <Link key={t} href={href(`/traces/${trace.traceId}`, { tenant: t })}>
                  {t}
                </Link>
              ))}
          </span>
        )}
        <span className="muted">
          {fmtNum(trace.spans.length)} spans · {fmtMs(tree.totalMs)} ·{' '}
          <span className={errorCount ? 'bad' : undefined}>{errorCount} errors</span>
        </span>
        <span className="muted trace-services" data-testid="trace-services" title="service.version">
          {services.map((s) => (
            <span key={s} className="mono">
              {s}
            </span>
          ))}
        </span>
      </div>
      <div className="trace-toolbar">
        <input
          type="search"
          aria-label="Find spans"
          placeholder="Find span (name, tool, model)…"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') jumpToMatch();
          }}
        />
        <label>
          <input
            type="checkbox"
            checked={errorsOnly}
            onChange={(e) => setErrorsOnly(e.target.checked)}
          />{' '}
          errors only
        </label>
        {highlight && (
          <button type="button" onClick={jumpToMatch} disabled={highlight.size === 0}>
            Next of {highlight.size}
          </button>
        )}
        <div className="legend" title="Span categories">
          {CATEGORY_LABELS.map(([cat, label]) => (
            <span key={cat} className={`cat-${cat}`}>
              <span className="legend-swatch" />
              {label}
            </span>
          ))}
        </div>
      </div>
      {(trace.runs.length > 1 || trace.linkedTraces.length > 0) && (
        <div className="trace-related">
          {trace.runs.length > 1 && (
            <span>
              Runs:{' '}
              {trace.runs.map((r) => (
                <button
                  type="button"
                  key={r.spanId}
                  className="linkish"
                  onClick={() => select(r.spanId)}
                >
                  {tree.byId.get(r.spanId)?.span.name ?? r.spanId} (
                  {fmtNum(r.inputTokens + r.outputTokens)} tok)
                </button>
              ))}
            </span>
          )}
          {trace.linkedTraces.length > 0 && (
            <span>
              Linked traces:{' '}
              {trace.linkedTraces.map((l) => (
                <Link
                  key={l.traceId}
                  href={href(`/traces/${l.traceId}`, { tenant: trace.tenantId })}
                >
                  {l.relation === 'links_to' ? '→ ' : '← '}
                  {l.rootName}
                </Link>
              ))}
            </span>
          )}
        </div>
      )}
      <div className="trace-grid">
        <Waterfall
          tree={tree}
          collapsed={collapsed}
          onToggle={toggle}
          selected={selected}
          onSelect={select}
          highlight={highlight}
        />
        {node ? (
          <SpanDetail
            node={node}
            onSelect={select}
            runTokens={trace.runs.find((r) => r.spanId === node.span.spanId) ?? null}
            parentName={
              node.span.parentSpanId
                ? (tree.byId.get(node.span.parentSpanId)?.span.name ?? null)
                : null
            }
          />
        ) : (
          <div className="muted">Select a span.</div>
        )}
      </div>
      {trace.unattachedLogs.length > 0 && (
        <section>
          <h2>Logs in this trace outside any span ({trace.unattachedLogs.length})</h2>
          <LogLines logs={trace.unattachedLogs} />
        </section>
      )}
    </section>
  );
}

function matching(tree: SpanTree, query: string, errorsOnly: boolean): ReadonlySet<string> | null {
  const q = query.trim().toLowerCase();
  if (!q && !errorsOnly) return null;
  const out = new Set<string>();
  for (const { span: s } of tree.byId.values()) {
    if (errorsOnly && s.status !== 'error') continue;
    if (
      q &&
      !s.name.toLowerCase().includes(q) &&
      !(s.toolName ?? '').toLowerCase().includes(q) &&
      !(s.model ?? '').toLowerCase().includes(q)
    )
      continue;
    out.add(s.spanId);
  }
  return out;
}
