import type { TenantSummary } from '../../api/types.js';
import { fmtMs, fmtNum, fmtPct, fmtUsd } from '../../ui/format.js';
import { type FleetMetric, fleetMedian } from './fleet.js';

export const FLEET_METRICS: FleetMetric[] = [
  { label: 'Runs', value: (t) => t.runs, format: fmtNum, worseWhenHigher: false },
  { label: 'Failure rate', value: (t) => t.failureRate, format: fmtPct, worseWhenHigher: true },
  { label: 'Run p95', value: (t) => t.runLatencyMs.p95, format: fmtMs, worseWhenHigher: true },
  {
    label: 'Tool error rate',
    value: (t) => t.toolErrorRate,
    format: fmtPct,
    worseWhenHigher: true,
  },
  {
    label: 'Tokens / day',
    value: (t, days) => (t.inputTokens + t.outputTokens) / days,
    format: fmtNum,
    worseWhenHigher: true,
  },
  {
    label: 'Cost / day',
    value: (t, days) => t.cost.usd / days,
    format: fmtUsd,
    worseWhenHigher: true,
  },
];

/** This tenant next to the fleet's median, with the ratio; 2x worse than the median is flagged. */
export function FleetComparison(props: {
  tenant: TenantSummary | null;
  fleet: TenantSummary[];
  days: number;
}) {
  const { tenant, fleet, days } = props;
  return (
    <table className="grid compare">
      <thead>
        <tr>
          <th>Metric</th>
          <th className="num">This tenant</th>
          <th className="num">Fleet median</th>
          <th className="num">× median</th>
        </tr>
      </thead>
      <tbody>
        {FLEET_METRICS.map((m) => {
          const mine = tenant ? m.value(tenant, days) : null;
          const med = fleetMedian(fleet, m, days);
          const ratio = mine !== null && med !== null && med > 0 ? mine / med : null;
          const bad = m.worseWhenHigher && ratio !== null && ratio >= 2;
          return (
            <tr key={m.label}>
              <td>{m.label}</td>
              <td className={`num${bad ? ' bad' : ''}`}>{mine === null ? '–' : m.format(mine)}</td>
              <td className="num">{med === null ? '–' : m.format(med)}</td>
              <td className={`num${bad ? ' bad' : ''}`}>
                {ratio === null ? '–' : `${ratio.toFixed(1)}×`}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
