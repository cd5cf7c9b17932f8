import { useMemo } from 'react';
import type { ChangeEventsResponse, TimeseriesResponse, WhyChange } from '../../api/types.js';
import { useApi } from '../../api/useApi.js';
import { type ChartMarker, TimeChart } from '../../charts/TimeChart.js';
import type { ResolvedRange } from '../../controls/timeRange.js';
import { QueryView } from '../../ui/states.js';
import {
  type ChartSpec,
  chartSeries,
  DAILY_CHARTS,
  type Medians,
  metricsOf,
  RANGE_CHARTS,
} from './charts.js';
import { chartMarkers } from './markers.js';

export function TenantCharts(props: {
  tenant: string;
  range: ResolvedRange;
  medians: Medians;
  /** The why analysis' changes of the range: new versions are marked at their first run. */
  changes: WhyChange[];
}) {
  const { tenant, range, medians, changes } = props;
  const path = `/tenants/${encodeURIComponent(tenant)}/timeseries`;
  const step = Math.max(10, Math.round((range.toMs - range.fromMs) / 1000 / 60));
  const series = useApi<TimeseriesResponse>(path, {
    metrics: metricsOf(RANGE_CHARTS),
    from: range.from,
    to: range.to,
    step,
  });
  const events = useApi<ChangeEventsResponse>(`/tenants/${encodeURIComponent(tenant)}/events`, {
    from: range.from,
    to: range.to,
    limit: 200,
  });
  // Markers are extra: the charts draw without them while (or if) the events fail to load.
  const eventItems = events.data?.items;
  const markers = useMemo(() => chartMarkers(eventItems ?? [], changes), [eventItems, changes]);
  // Per-day totals always span at least a week, so one day's spike has something to stand against.
  const dailyFrom = new Date(Math.min(range.fromMs, range.toMs - 7 * 86_400_000)).toISOString();
  const daily = useApi<TimeseriesResponse>(path, {
    metrics: metricsOf(DAILY_CHARTS),
    from: dailyFrom,
    to: range.to,
    step: '1d',
  });

  return (
    <div className="charts">
      <QueryView state={series} onRetry={series.reload}>
        {(d) => <Charts specs={RANGE_CHARTS} data={d} medians={medians} markers={markers} />}
      </QueryView>
      <QueryView state={daily} onRetry={daily.reload}>
        {(d) => <Charts specs={DAILY_CHARTS} data={d} />}
      </QueryView>
    </div>
  );
}

/** One chart of the table in charts.ts; its series are kept while data and median stay the same. */
function SpecChart(props: {
  spec: ChartSpec;
  data: TimeseriesResponse;
  median: number | null;
  markers?: ChartMarker[];
}) {
  const { spec, data, median, markers } = props;
  const series = useMemo(() => chartSeries(spec, data, median), [spec, data, median]);
  return (
    <TimeChart
      title={spec.title}
      timestamps={data.timestamps}
      series={series}
      format={spec.format}
      markers={markers}
    />
  );
}

/** A chart per spec, in the table's order; the daily charts have no medians and no markers. */
function Charts(props: {
  specs: readonly ChartSpec[];
  data: TimeseriesResponse;
  medians?: Medians;
  markers?: ChartMarker[];
}) {
  const { specs, data, medians, markers } = props;
  return specs.map((spec) => (
    <SpecChart
      key={spec.title}
      spec={spec}
      data={data}
      median={spec.median && medians ? medians[spec.median] : null}
      markers={markers}
    />
  ));
}
