import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef } from 'react';
import type { AlertsResponse, TenantsResponse } from '../../api/types.js';
import { useApi } from '../../api/useApi.js';
import { usePaged } from '../../api/usePaged.js';
import { Link } from '../../app/Link.js';
import { href, setParams, useUrl } from '../../app/router.js';
import { carryParams, tenantPath } from '../../controls/tenant.js';
import { useTimeRange } from '../../controls/timeRange.js';
import { fmtNum, fmtPct } from '../../ui/format.js';
import { QueryView } from '../../ui/states.js';
import { buildRows, type Column, columns, isNoisy, type SortKey, sortRows } from './columns.js';
import { TenantSparkline } from './TenantSparkline.js';

const PAGE = 1000;

/** Columns the server can sort by; the share columns sort the loaded rows only. */
const SERVER_SORT: Partial<Record<SortKey, string>> = {
  tenant: 'tenant',
  runs: 'runs',
  failure: 'failure_rate',
  p95: 'p95',
  tokensPerDay: 'tokens',
  tokenShare: 'tokens',
  costPerDay: 'cost',
  toolErrors: 'tool_error_rate',
};
const ROW_PX = 34;

/** Every tenant in one sortable table; the noisy neighbours stand out in the share columns. */
export function OverviewPage() {
  const range = useTimeRange();
  const { search } = useUrl();
  const sort = (search.get('sort') ?? 'failure') as SortKey;
  const dir = search.get('dir');
  const desc = dir ? dir === 'desc' : sort !== 'tenant';
  const filter = search.get('q') ?? '';
  const serverSort = SERVER_SORT[sort];

  // The server sorts too, so with more tenants than one page the first page is the right top-N.
  const tenants = usePaged<TenantsResponse>('/tenants', {
    from: range.from,
    to: range.to,
    limit: PAGE,
    q: filter.trim(),
    sort: serverSort,
    order: serverSort ? (desc ? 'desc' : 'asc') : undefined,
  });
  const alerts = useApi<AlertsResponse>('/alerts');

  const firing = useMemo(() => {
    const m = new Map<string, number>();
    for (const a of alerts.data?.items ?? [])
      if (a.state === 'firing') m.set(a.tenantId, (m.get(a.tenantId) ?? 0) + 1);
    return m;
  }, [alerts.data]);

  return (
    <section className="overview">
      <div className="page-head">
        <h1>Overview</h1>
        <input
          type="search"
          aria-label="Filter tenants"
          placeholder="Filter tenants…"
          value={filter}
          onChange={(e) => setParams({ q: e.target.value }, { replace: true })}
        />
        {tenants.status === 'loading' && tenants.data && <span className="spinner" />}
      </div>
      <QueryView
        state={tenants}
        onRetry={tenants.reload}
        isEmpty={(d) => d.items.length === 0}
        empty="No tenant sent data in this range."
      >
        {(data) => (
          <OverviewTable
            data={data}
            firing={firing}
            rangeMs={range.toMs - range.fromMs}
            sort={sort}
            desc={desc}
            keep={carryParams(search)}
            onMore={tenants.more}
          />
        )}
      </QueryView>
    </section>
  );
}

function OverviewTable(props: {
  data: TenantsResponse;
  firing: Map<string, number>;
  rangeMs: number;
  sort: SortKey;
  desc: boolean;
  keep: Record<string, string | null>;
  onMore: (() => void) | null;
}) {
  const { data, firing, rangeMs, sort, desc, keep } = props;
  const fair = data.fleet.tenants > 0 ? 1 / data.fleet.tenants : 1;
  const cols = useMemo(() => columns(fair), [fair]);
  const rows = useMemo(() => {
    const col: Column | null = cols.find((c) => c.key === sort) ?? null;
    return sortRows(buildRows(data, firing, rangeMs), col, desc);
  }, [data, firing, rangeMs, cols, sort, desc]);
  const attention = useMemo(
    () => ({
      noisy: rows.filter((r) => isNoisy(r.tokenShare, fair) || isNoisy(r.llmShare, fair)),
      firing: rows.filter((r) => r.firing > 0),
    }),
    [rows, fair],
  );

  // The e2e run measures data-arrived → table-drawn with this mark (no timing in the app itself).
  useEffect(() => {
    const id = requestAnimationFrame(() =>
      performance.mark('tenantry:overview-rendered', { detail: { rows: rows.length } }),
    );
    return () => cancelAnimationFrame(id);
  }, [rows]);

  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_PX,
    overscan: 10,
  });
  const items = virtualizer.getVirtualItems();
  const padTop = items[0]?.start ?? 0;
  const padBottom = virtualizer.getTotalSize() - (items[items.length - 1]?.end ?? 0);

  const sortBy = (key: SortKey) =>
    setParams({ sort: key, dir: key === sort ? (desc ? 'asc' : 'desc') : null }, { replace: true });

  const header = (key: SortKey, label: string, title: string, numeric: boolean) => (
    <th
      key={key}
      className={numeric ? 'num' : undefined}
      aria-sort={sort === key ? (desc ? 'descending' : 'ascending') : 'none'}
    >
      <button type="button" className="sort" title={title} onClick={() => sortBy(key)}>
        {label}
        {sort === key ? (desc ? ' ▾' : ' ▴') : ''}
      </button>
    </th>
  );

  return (
    <>
      {(attention.noisy.length > 0 || attention.firing.length > 0) && (
        <div className="attention">
          {attention.firing.length > 0 && (
            <span>
              <span className="badge firing">Firing</span>{' '}
              {attention.firing.slice(0, 8).map((r) => (
                <Link key={r.t.tenantId} href={href(tenantPath(r.t.tenantId), keep)}>
                  {r.t.tenantId}
                </Link>
              ))}
            </span>
          )}
          {attention.noisy.length > 0 && (
            <span data-testid="noisy-neighbours">
              <span className="badge warning">Noisy neighbours</span>{' '}
              {attention.noisy.slice(0, 8).map((r) => (
                <Link key={r.t.tenantId} href={href(tenantPath(r.t.tenantId), keep)}>
                  {r.t.tenantId} ({fmtPct(Math.max(r.tokenShare, r.llmShare), 0)})
                </Link>
              ))}
            </span>
          )}
        </div>
      )}
      <div className="muted summary" data-testid="overview-count">
        {fmtNum(rows.length)} tenants
        {data.nextCursor ? ' loaded (more on the server)' : ''} · fleet {fmtNum(data.fleet.runs)}{' '}
        runs, {fmtNum(data.fleet.inputTokens + data.fleet.outputTokens)} tokens
      </div>
      <div className="table-scroll" ref={scrollRef}>
        <table className="grid overview-table">
          <thead>
            <tr>
              {header('tenant', 'Tenant', 'Tenant id', false)}
              {cols.map((c) => header(c.key, c.label, c.title, c.numeric))}
              <th>Runs over time</th>
            </tr>
          </thead>
          <tbody>
            {padTop > 0 && (
              <tr className="pad">
                <td style={{ height: padTop }} colSpan={cols.length + 2} />
              </tr>
            )}
            {items.map((vr) => {
              const r = rows[vr.index]!;
              return (
                <tr key={r.t.tenantId} style={{ height: ROW_PX }} data-tenant={r.t.tenantId}>
                  <td>
                    <Link href={href(tenantPath(r.t.tenantId), keep)}>{r.t.tenantId}</Link>
                  </td>
                  {cols.map((c) => (
                    <td key={c.key} className={c.numeric ? 'num' : undefined}>
                      {c.render(r)}
                    </td>
                  ))}
                  <td className="spark-cell">
                    <TenantSparkline tenant={r.t.tenantId} />
                  </td>
                </tr>
              );
            })}
            {padBottom > 0 && (
              <tr className="pad">
                <td style={{ height: padBottom }} colSpan={cols.length + 2} />
              </tr>
            )}
          </tbody>
        </table>
      </div>
      {props.onMore && (
        <button type="button" onClick={props.onMore}>
          Load more tenants
        </button>
      )}
    </>
  );
}
