import { useEffect, useState } from 'react';
import type { TimeseriesResponse } from '../../api/types.js';
import { Sparkline } from '../../charts/Sparkline.js';
import { useTimeRange } from '../../controls/timeRange.js';
import { loadSparkline } from './sparkLoader.js';

/** Runs over the range for one row; rows mount only while visible, so few of these are live. */
export function TenantSparkline({ tenant }: { tenant: string }) {
  const range = useTimeRange();
  const step = Math.max(10, Math.round((range.toMs - range.fromMs) / 1000 / 40));
  const [state, setState] = useState<{ data: TimeseriesResponse | null; error: string | null }>({
    data: null,
    error: null,
  });

  useEffect(() => {
    let live = true;
    // Start after the table's frame is on screen.
    const timer = setTimeout(() => {
      loadSparkline(tenant, range.from, range.to, step).then(
        (data) => live && setState({ data, error: null }),
        (err: unknown) => live && setState({ data: null, error: String(err) }),
      );
    }, 50);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [tenant, range.from, range.to, step]);

  const runs = state.data?.series.runs;
  if (state.error)
    return (
      <span className="muted" title={state.error}>
        !
      </span>
    );
  if (!state.data || !runs) return <span className="spark-placeholder" aria-hidden="true" />;
  return (
    <Sparkline
      timestamps={state.data.timestamps}
      values={runs}
      label={`Runs over time for ${tenant}`}
    />
  );
}
