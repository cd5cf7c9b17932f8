import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import { cssVar } from '../app/theme.js';

/** A tiny axis-less uPlot line; x in epoch ms. */
export function Sparkline(props: {
  timestamps: number[];
  values: (number | null)[];
  width?: number;
  height?: number;
  label: string;
}) {
  const { timestamps, values, width = 120, height = 24, label } = props;
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const plot = new uPlot(
      {
        width,
        height,
        pxAlign: false,
        cursor: { show: false },
        legend: { show: false },
        select: { show: false, left: 0, top: 0, width: 0, height: 0 },
        scales: { x: { time: false } },
        axes: [{ show: false }, { show: false }],
        series: [
          {},
          {
            stroke: cssVar('--accent'),
            fill: cssVar('--accent-soft'),
            width: 1.25,
            points: { show: false },
            spanGaps: false,
          },
        ],
      },
      [timestamps.map((t) => t / 1000), values],
      el,
    );
    return () => plot.destroy();
  }, [timestamps, values, width, height]);

  return <div ref={ref} className="sparkline" role="img" aria-label={label} />;
}
