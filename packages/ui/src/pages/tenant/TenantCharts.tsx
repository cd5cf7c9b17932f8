import { useMemo } from 'react';
import type { ChangeEventsResponse, TimeseriesResponse, WhyChange } from '../../api/types.js';
import { useApi } from '../../api/useApi.js';
import { type ChartMarker, type ChartSeries, TimeChart } from '../../charts/TimeChart.js';
import type { ResolvedRange } from '../../controls/timeRange.js';
import { fmtMs, fmtNum, fmtPct, fmtUsd } from '../../ui/format.js';
import { QueryView } from '../../ui/states.js';
import { chartMarkers } from './markers.js';

const pct = (v: number) => fmtPct(v, 0);
const usd = (v: number) => fmtUsd(v);

/** Horizontal reference line for "this tenant against the fleet's median". */
function medianLine(ts: number[], value: number | null): ChartSeries | null {
  if (value === null) return null;
  return { label: 'fleet median', values: ts.map(() => value), color: '--muted', dashed: true };
}

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
    metrics: 'runs,failure_rate,run_latency_p50,run_latency_p95,run_latency_p99,tool_error_rate',
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
    metrics: 'tokens_input,tokens_output,cost',
    from: dailyFrom,
    to: range.to,
    step: '1d',
  });

  return (
    <div className="charts">
      <QueryView state={series} onRetry={series.reload}>
        {(d) => <RangeCharts data={d} medians={medians} markers={markers} />}
      </QueryView>
      <QueryView state={daily} onRetry={daily.reload}>
        {(d) => <DailyCharts data={d} />}
      </QueryView>
    </div>
  );
}

interface Medians {
  p95: number | null;
  failure: number | null;
  toolErrors: number | null;
}

function rangeSeries(data: TimeseriesResponse, medians: Medians) {
  const ts = data.timestamps;
  const s = data.series;
  const none = ts.map(() => null);
  const withMedian = (list: ChartSeries[], m: number | null) =>
    [...list, medianLine(ts, m)].filter((x): x is ChartSeries => x !== null);
  return {
    latency: withMedian(
      [
        { label: 'p50', values: s.run_latency_p50 ?? none, color: '--cat-llm' },
        { label: 'p95', values: s.run_latency_p95 ?? none, color: '--cat-tool' },
        { label: 'p99', values: s.run_latency_p99 ?? none, color: '--bad' },
      ],
      medians.p95,
    ),
    failure: withMedian(
      [{ label: 'failure rate', values: s.failure_rate ?? none, color: '--bad' }],
      medians.failure,
    ),
    tools: withMedian(
      [{ label: 'tool error rate', values: s.tool_error_rate ?? none, color: '--cat-tool' }],
      medians.toolErrors,
    ),
    runs: [{ label: 'runs', values: s.runs ?? none, color: '--accent', bars: true }],
  };
}

function RangeCharts({
  data,
  medians,
  markers,
}: {
  data: TimeseriesResponse;
  medians: Medians;
  markers: ChartMarker[];
}) {
  const { p95, failure, toolErrors } = medians;
  const c = useMemo(
    () => rangeSeries(data, { p95, failure, toolErrors }),
    [data, p95, failure, toolErrors],
  );
  const ts = data.timestamps;
  return (
    <>
      <TimeChart
        title="Run latency (p50 / p95 / p99), dashed: fleet median p95"
        timestamps={ts}
        series={c.latency}
        format={fmtMs}
        markers={markers}
      />
      <TimeChart
        title="Failure rate"
        timestamps={ts}
        series={c.failure}
        format={pct}
        markers={markers}
      />
      <TimeChart
        title="Tool error rate"
        timestamps={ts}
        series={c.tools}
        format={pct}
        markers={markers}
      />
      <TimeChart title="Runs" timestamps={ts} series={c.runs} format={fmtNum} markers={markers} />
    </>
  );
}

function dailySeries(data: TimeseriesResponse) {
  const none = data.timestamps.map(() => null);
  return {
    tokens: [
      { label: 'input', values: data.series.tokens_input ?? none, color: '--cat-llm', bars: true },
      {
        label: 'output',
        values: data.series.tokens_output ?? none,
        color: '--cat-agent',
        bars: true,
      },
    ],
    cost: [{ label: 'USD', values: data.series.cost ?? none, color: '--ok', bars: true }],
  };
}

function DailyCharts({ data }: { data: TimeseriesResponse }) {
  const c = useMemo(() => dailySeries(data), [data]);
  const ts = data.timestamps;
  return (
    <>
      <TimeChart title="Tokens per day" timestamps={ts} series={c.tokens} format={fmtNum} />
      <TimeChart
        title="Cost per day (priced models)"
        timestamps={ts}
        series={c.cost}
        format={usd}
      />
    </>
  );
}
