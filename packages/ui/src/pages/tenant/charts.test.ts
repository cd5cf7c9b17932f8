import { describe, expect, it } from 'vitest';
import type { TimeseriesResponse } from '../../api/types.js';
import { chartSeries, DAILY_CHARTS, metricsOf, RANGE_CHARTS } from './charts.js';

const data = (series: TimeseriesResponse['series']): TimeseriesResponse => ({
  tenantId: 'tenant-a',
  range: { from: '2026-01-01T00:00:00.000Z', to: '2026-01-01T00:30:00.000Z' },
  stepSeconds: 600,
  timestamps: [0, 600_000, 1_200_000],
  series,
});

const spec = (title: string) => {
  const found = [...RANGE_CHARTS, ...DAILY_CHARTS].find((c) => c.title.startsWith(title));
  if (!found) throw new Error(`no chart ${title}`);
  return found;
};

describe('tenant chart specs', () => {
  it('fetch every metric a chart draws, each once', () => {
    expect(metricsOf(RANGE_CHARTS).split(',').sort()).toEqual(
      [
        'failure_rate',
        'run_latency_p50',
        'run_latency_p95',
        'run_latency_p99',
        'runs',
        'tool_error_rate',
      ].sort(),
    );
    expect(metricsOf(DAILY_CHARTS)).toBe('tokens_input,tokens_output,cost');
  });

  it("draw the chart's metrics in order, then the fleet median as a dashed flat line", () => {
    const d = data({
      run_latency_p50: [1, 2, 3],
      run_latency_p95: [4, 5, 6],
      run_latency_p99: [7, 8, 9],
    });
    const series = chartSeries(spec('Run latency'), d, 5);
    expect(series.map((s) => [s.label, s.values, s.dashed ?? false])).toEqual([
      ['p50', [1, 2, 3], false],
      ['p95', [4, 5, 6], false],
      ['p99', [7, 8, 9], false],
      ['fleet median', [5, 5, 5], true],
    ]);
  });

  it('draw a metric the server did not return as gaps, and no median line when the fleet has none', () => {
    const series = chartSeries(spec('Failure rate'), data({}), null);
    expect(series).toEqual([{ label: 'failure rate', values: [null, null, null], color: '--bad' }]);
  });

  it('mark bar charts as bars and never add a median to a chart without one', () => {
    const series = chartSeries(spec('Runs'), data({ runs: [3, 0, 1] }), 0.5);
    expect(series).toEqual([{ label: 'runs', values: [3, 0, 1], color: '--accent', bars: true }]);
  });
});
