import type { TimeseriesResponse } from '../../api/types.js';
import { useApi } from '../../api/useApi.js';
import { Sparkline } from '../../charts/Sparkline.js';
import { useTimeRange } from '../../controls/timeRange.js';

/** Runs over the range for one row; rows mount only while visible, so few of these are live. */
export function TenantSparkline({ tenant }: { tenant: string }) {
  const range = useTimeRange();
  const step = Math.max(10, Math.round((range.toMs - range.fromMs) / 1000 / 40));
  const res = useApi<TimeseriesResponse>(`/tenants/${encodeURIComponent(tenant)}/timeseries`, {
    metrics: 'runs',
    from: range.from,
    to: range.to,
    step,
  });
  const runs = res.data?.series.runs;
  if (res.status === 'error')
    return (
      <span className="muted" title={res.error.message}>
        !
      </span>
    );
  if (!res.data || !runs) return <span className="spark-placeholder" aria-hidden="true" />;
  return (
    <Sparkline
      timestamps={res.data.timestamps}
      values={runs}
      label={`Runs over time for ${tenant}`}
    />
  );
}
