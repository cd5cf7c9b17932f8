import type { ReactNode } from 'react';
import type { TenantSummary, TenantsResponse } from '../../api/types.js';
import { fmtMs, fmtNum, fmtPct, fmtUsd } from '../../ui/format.js';

export interface OverviewRow {
  t: TenantSummary;
  tokens: number;
  tokensPerDay: number;
  costPerDay: number;
  tokenShare: number;
  llmShare: number;
  firing: number;
}

export type SortKey =
  | 'tenant'
  | 'runs'
  | 'failure'
  | 'p95'
  | 'tokensPerDay'
  | 'costPerDay'
  | 'toolErrors'
  | 'firing'
  | 'tokenShare'
  | 'llmShare';

export interface Column {
  key: SortKey;
  label: string;
  title: string;
  numeric: boolean;
  value: (r: OverviewRow) => number | string | null;
  render: (r: OverviewRow) => ReactNode;
}

/** A tenant taking a fifth of the shared LLM and at least three times its fair share. */
export function isNoisy(share: number, fair: number): boolean {
  return share >= 0.2 && share >= 3 * fair;
}

/** A share bar; a noisy neighbour's is red. */
function Share({ share, fair }: { share: number; fair: number }) {
  const noisy = isNoisy(share, fair);
  return (
    <span className={`share${noisy ? ' noisy' : ''}`} title={noisy ? 'Noisy neighbour' : undefined}>
      <span className="share-bar" style={{ width: `${Math.min(100, share * 100)}%` }} />
      <span className="share-text">{fmtPct(share)}</span>
    </span>
  );
}

export function buildRows(
  res: TenantsResponse,
  firingByTenant: Map<string, number>,
  rangeMs: number,
): OverviewRow[] {
  const days = Math.max(rangeMs / 86_400_000, 1 / 24);
  const fleetTokens = res.fleet.inputTokens + res.fleet.outputTokens;
  return res.items.map((t) => {
    const tokens = t.inputTokens + t.outputTokens;
    return {
      t,
      tokens,
      tokensPerDay: tokens / days,
      costPerDay: t.cost.usd / days,
      tokenShare: fleetTokens > 0 ? tokens / fleetTokens : 0,
      llmShare: res.fleet.llmTimeMs > 0 ? t.llmTimeMs / res.fleet.llmTimeMs : 0,
      firing: firingByTenant.get(t.tenantId) ?? 0,
    };
  });
}

export function columns(fairShare: number): Column[] {
  return [
    {
      key: 'runs',
      label: 'Runs',
      title: 'Agent runs in the range',
      numeric: true,
      value: (r) => r.t.runs,
      render: (r) => fmtNum(r.t.runs),
    },
    {
      key: 'failure',
      label: 'Failure',
      title: 'Failed runs / runs',
      numeric: true,
      value: (r) => r.t.failureRate,
      render: (r) => (
        <span className={(r.t.failureRate ?? 0) >= 0.1 ? 'bad' : undefined}>
          {fmtPct(r.t.failureRate)}
        </span>
      ),
    },
    {
      key: 'p95',
      label: 'p95',
      title: 'Run latency, 95th percentile',
      numeric: true,
      value: (r) => r.t.runLatencyMs.p95,
      render: (r) => fmtMs(r.t.runLatencyMs.p95),
    },
    {
      key: 'tokensPerDay',
      label: 'Tokens/day',
      title: 'Input + output tokens per day',
      numeric: true,
      value: (r) => r.tokensPerDay,
      render: (r) => fmtNum(r.tokensPerDay),
    },
    {
      key: 'costPerDay',
      label: 'Cost/day',
      title: 'USD per day, priced models only',
      numeric: true,
      value: (r) => r.costPerDay,
      render: (r) => (
        <span
          title={
            r.t.cost.unpricedModels.length
              ? `Unpriced: ${r.t.cost.unpricedModels.join(', ')}`
              : undefined
          }
        >
          {fmtUsd(r.costPerDay)}
          {r.t.cost.unpricedModels.length > 0 && '*'}
        </span>
      ),
    },
    {
      key: 'toolErrors',
      label: 'Tool err',
      title: 'Tool error rate',
      numeric: true,
      value: (r) => r.t.toolErrorRate,
      render: (r) => (
        <span className={(r.t.toolErrorRate ?? 0) >= 0.1 ? 'bad' : undefined}>
          {fmtPct(r.t.toolErrorRate)}
        </span>
      ),
    },
    {
      key: 'firing',
      label: 'Alerts',
      title: 'Firing alerts',
      numeric: true,
      value: (r) => r.firing,
      render: (r) => (r.firing > 0 ? <span className="badge firing">{r.firing} firing</span> : '–'),
    },
    {
      key: 'tokenShare',
      label: 'Token share',
      title: "Share of the fleet's tokens",
      numeric: true,
      value: (r) => r.tokenShare,
      render: (r) => <Share share={r.tokenShare} fair={fairShare} />,
    },
    {
      key: 'llmShare',
      label: 'LLM time',
      title: "Share of the fleet's LLM time",
      numeric: true,
      value: (r) => r.llmShare,
      render: (r) => <Share share={r.llmShare} fair={fairShare} />,
    },
  ];
}

export function compareRows(a: OverviewRow, b: OverviewRow, col: Column | null): number {
  if (!col) return a.t.tenantId.localeCompare(b.t.tenantId);
  const va = col.value(a);
  const vb = col.value(b);
  // Missing values (no runs) always sink to the bottom, whichever the direction.
  if (va === null && vb === null) return 0;
  if (va === null) return 1;
  if (vb === null) return -1;
  if (typeof va === 'number' && typeof vb === 'number') return va - vb;
  return String(va).localeCompare(String(vb));
}

/** Sorted copy: by the column in the given direction, tenants without a value always last. */
export function sortRows(rows: OverviewRow[], col: Column | null, desc: boolean): OverviewRow[] {
  const sign = desc ? -1 : 1;
  return [...rows].sort((a, b) => {
    if (col && (col.value(a) === null || col.value(b) === null)) return compareRows(a, b, col);
    return sign * compareRows(a, b, col) || a.t.tenantId.localeCompare(b.t.tenantId);
  });
}
