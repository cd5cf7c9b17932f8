import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import { cssVar, useThemeName } from '../app/theme.js';

export interface ChartSeries {
  label: string;
  values: (number | null)[];
  /** CSS variable name or colour. */
  color: string;
  dashed?: boolean;
  bars?: boolean;
}

function colorOf(c: string): string {
  return c.startsWith('--') ? cssVar(c) : c;
}

/**
 * A uPlot time chart sized to its container. x is epoch ms; uPlot draws the axis in the browser's
 * zone, and the legend shows the hovered point.
 */
export function TimeChart(props: {
  title: string;
  timestamps: number[];
  series: ChartSeries[];
  format: (v: number) => string;
  height?: number;
}) {
  const { title, timestamps, series, format, height = 180 } = props;
  const boxRef = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  const theme = useThemeName();

  useEffect(() => {
    const el = boxRef.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(Math.floor(el.clientWidth)));
    ro.observe(el);
    setWidth(Math.floor(el.clientWidth));
    return () => ro.disconnect();
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: theme changes the CSS colours read here.
  useEffect(() => {
    const el = boxRef.current;
    if (!el || width <= 0) return;
    const axisColor = cssVar('--muted');
    const grid = { stroke: cssVar('--border'), width: 1 };
    const bars = uPlot.paths.bars?.({ size: [0.7, 40] });
    const plot = new uPlot(
      {
        width,
        height,
        legend: { show: true, live: true },
        cursor: { drag: { x: false, y: false } },
        axes: [
          { stroke: axisColor, grid, ticks: grid },
          {
            stroke: axisColor,
            grid,
            ticks: grid,
            size: 60,
            values: (_u, vals) => vals.map((v) => format(v)),
          },
        ],
        series: [
          {},
          ...series.map((s) => ({
            label: s.label,
            stroke: colorOf(s.color),
            fill: s.bars ? colorOf(s.color) : undefined,
            width: 1.5,
            dash: s.dashed ? [6, 4] : undefined,
            paths: s.bars ? bars : undefined,
            // Sparse buckets (a few runs an hour) are single points between gaps: draw them.
            points: { show: !s.dashed && !s.bars, size: 4 },
            spanGaps: !s.bars,
            value: (_u: uPlot, v: number | null) => (v === null ? '–' : format(v)),
          })),
        ],
      },
      [timestamps.map((t) => t / 1000), ...series.map((s) => s.values)],
      el,
    );
    return () => plot.destroy();
  }, [timestamps, series, width, height, format, theme]);

  return (
    <figure className="chart panel">
      <figcaption>{title}</figcaption>
      <div ref={boxRef} className="chart-box" role="img" aria-label={title} />
    </figure>
  );
}
