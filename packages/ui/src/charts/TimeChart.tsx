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

/** A moment worth a vertical line: a deploy or config-change event, a new version's first run. */
export interface ChartMarker {
  id: string;
  /** Epoch ms. */
  at: number;
  kind: 'event' | 'version';
  /** Short text beside the line. */
  label: string;
  /** The tooltip and the accessible name: what happened and when. */
  description: string;
}

function colorOf(c: string): string {
  return c.startsWith('--') ? cssVar(c) : c;
}

/**
 * A uPlot time chart sized to its container. x is epoch ms; uPlot draws the axis in the browser's
 * zone, and the legend shows the hovered point. Markers are elements over the plot, not canvas
 * strokes, so each has a tooltip (`title`) and an accessible name, and tests can find them.
 */
export function TimeChart(props: {
  title: string;
  timestamps: number[];
  series: ChartSeries[];
  format: (v: number) => string;
  height?: number;
  markers?: ChartMarker[];
}) {
  const { title, timestamps, series, format, height = 180, markers = NO_MARKERS } = props;
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
        // Scales are known once drawn: markers are placed (again) after each draw.
        hooks: { draw: [(u: uPlot) => drawMarkers(u, markers, timestamps)] },
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
  }, [timestamps, series, width, height, format, theme, markers]);

  return (
    <figure className="chart panel">
      <figcaption>{title}</figcaption>
      <div ref={boxRef} className="chart-box" role="img" aria-label={title} />
    </figure>
  );
}

const NO_MARKERS: ChartMarker[] = [];

/** One line and label per marker inside the plotted range, in uPlot's overlay (gone with it). */
function drawMarkers(plot: uPlot, markers: ChartMarker[], timestamps: number[]): void {
  for (const old of plot.over.querySelectorAll('.chart-marker')) old.remove();
  if (markers.length === 0 || timestamps.length === 0) return;
  const first = timestamps[0]!;
  const last = timestamps[timestamps.length - 1]!;
  for (const m of markers) {
    if (m.at < first || m.at > last) continue;
    const mark = document.createElement('div');
    mark.className = `chart-marker chart-marker-${m.kind}`;
    mark.dataset.markerId = m.id;
    mark.setAttribute('role', 'img');
    mark.setAttribute('aria-label', m.description);
    mark.title = m.description;
    mark.style.left = `${plot.valToPos(m.at / 1000, 'x')}px`;
    const label = document.createElement('span');
    label.className = 'chart-marker-label';
    label.textContent = m.label;
    mark.append(label);
    plot.over.append(mark);
  }
}
