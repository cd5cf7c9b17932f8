import type { TimeseriesMetric, TimeseriesResponse } from '../../api/types.js';
import type { ChartSeries } from '../../charts/TimeChart.js';
import { fmtMs, fmtNum, fmtPct, fmtUsd } from '../../ui/format.js';

/** The fleet's medians the tenant's charts are drawn against (null: no fleet to compare with). */
export interface Medians {
  p95: number | null;
  failure: number | null;
  toolErrors: number | null;
}

/** One chart of the tenant page: which metrics it draws, how, and against which fleet median. */
export interface ChartSpec {
  title: string;
  format: (v: number) => string;
  lines: ReadonlyArray<{ label: string; metric: TimeseriesMetric; color: string; bars?: boolean }>;
  /** Drawn as a dashed horizontal line across the chart. */
  median?: keyof Medians;
}

const pct = (v: number) => fmtPct(v, 0);
const usd = (v: number) => fmtUsd(v);

/** Over the page's time range, with event and version markers. */
export const RANGE_CHARTS: readonly ChartSpec[] = [
  {
    title: 'Run latency (p50 / p95 / p99), dashed: fleet median p95',
    format: fmtMs,
    lines: [
      { label: 'p50', metric: 'run_latency_p50', color: '--cat-llm' },
      { label: 'p95', metric: 'run_latency_p95', color: '--cat-tool' },
      { label: 'p99', metric: 'run_latency_p99', color: '--bad' },
    ],
    median: 'p95',
  },
  {
    title: 'Failure rate',
    format: pct,
    lines: [{ label: 'failure rate', metric: 'failure_rate', color: '--bad' }],
    median: 'failure',
  },
  {
    title: 'Tool error rate',
    format: pct,
    lines: [{ label: 'tool error rate', metric: 'tool_error_rate', color: '--cat-tool' }],
    median: 'toolErrors',
  },
  {
    title: 'Runs',
    format: fmtNum,
    lines: [{ label: 'runs', metric: 'runs', color: '--accent', bars: true }],
  },
];

/** Per UTC day, over at least a week. */
export const DAILY_CHARTS: readonly ChartSpec[] = [
  {
    title: 'Tokens per day',
    format: fmtNum,
    lines: [
      { label: 'input', metric: 'tokens_input', color: '--cat-llm', bars: true },
      { label: 'output', metric: 'tokens_output', color: '--cat-agent', bars: true },
    ],
  },
  {
    title: 'Cost per day (priced models)',
    format: usd,
    lines: [{ label: 'USD', metric: 'cost', color: '--ok', bars: true }],
  },
];

/** The `metrics` query parameter that fetches what these charts draw. */
export function metricsOf(charts: readonly ChartSpec[]): string {
  return charts.flatMap((c) => c.lines.map((l) => l.metric)).join(',');
}

/**
 * The series a chart draws: its metrics (a metric the server did not return draws as gaps) and,
 * when the fleet has one, the median as a dashed horizontal line.
 */
export function chartSeries(
  spec: ChartSpec,
  data: TimeseriesResponse,
  median: number | null,
): ChartSeries[] {
  const ts = data.timestamps;
  const none = ts.map(() => null);
  const series: ChartSeries[] = spec.lines.map((l) => ({
    label: l.label,
    values: data.series[l.metric] ?? none,
    color: l.color,
    ...(l.bars ? { bars: true } : {}),
  }));
  if (spec.median !== undefined && median !== null) {
    series.push({
      label: 'fleet median',
      values: ts.map(() => median),
      color: '--muted',
      dashed: true,
    });
  }
  return series;
}
