import { useEffect, useState } from 'react';
import { setParams } from '../app/router.js';
import { fmtUtc } from '../ui/format.js';
import { bumpRefresh } from './refresh.js';
import {
  DEFAULT_TO,
  REFRESH_CHOICES,
  RELATIVE_CHOICES,
  refreshSeconds,
  useTimeRange,
} from './timeRange.js';

/** `datetime-local` works in the browser's zone without seconds: convert both ways here. */
function toLocalInput(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

/** Relative presets, an absolute from/to, and auto-refresh; all of it lives in the URL. */
export function TimeRangePicker() {
  const range = useTimeRange();
  const [custom, setCustom] = useState(false);
  const [fromInput, setFromInput] = useState('');
  const [toInput, setToInput] = useState('');
  const seconds = refreshSeconds(range.refresh);

  useEffect(() => {
    if (seconds <= 0) return;
    const id = setInterval(bumpRefresh, seconds * 1000);
    return () => clearInterval(id);
  }, [seconds]);

  const preset =
    range.toParam === DEFAULT_TO && RELATIVE_CHOICES.some((c) => c.from === range.fromParam)
      ? range.fromParam
      : 'custom';

  const openCustom = () => {
    setFromInput(toLocalInput(range.fromMs));
    setToInput(toLocalInput(range.toMs));
    setCustom(true);
  };

  const applyCustom = () => {
    const f = new Date(fromInput).getTime();
    const t = new Date(toInput).getTime();
    if (Number.isNaN(f) || Number.isNaN(t) || f >= t) return;
    setParams({ from: new Date(f).toISOString(), to: new Date(t).toISOString() });
    setCustom(false);
  };

  return (
    <div className="time-picker">
      <label className="sr-only" htmlFor="range-select">
        Time range
      </label>
      <select
        id="range-select"
        value={preset}
        title={`${fmtUtc(range.fromMs)} → ${fmtUtc(range.toMs)}`}
        onChange={(e) => {
          if (e.target.value === 'custom') openCustom();
          else setParams({ from: e.target.value, to: null });
        }}
      >
        {RELATIVE_CHOICES.map((c) => (
          <option key={c.from} value={c.from}>
            {c.label}
          </option>
        ))}
        <option value="custom">{preset === 'custom' ? range.label : 'Absolute…'}</option>
      </select>
      {preset === 'custom' && !custom && (
        <button type="button" onClick={openCustom} aria-label="Edit absolute range">
          ✎
        </button>
      )}
      {custom && (
        <form
          className="time-custom"
          onSubmit={(e) => {
            e.preventDefault();
            applyCustom();
          }}
        >
          <label>
            From{' '}
            <input
              type="datetime-local"
              value={fromInput}
              onChange={(e) => setFromInput(e.target.value)}
            />
          </label>
          <label>
            To{' '}
            <input
              type="datetime-local"
              value={toInput}
              onChange={(e) => setToInput(e.target.value)}
            />
          </label>
          <button type="submit">Apply</button>
          <button type="button" onClick={() => setCustom(false)}>
            Cancel
          </button>
        </form>
      )}
      <label className="sr-only" htmlFor="refresh-select">
        Auto-refresh
      </label>
      <select
        id="refresh-select"
        value={range.refresh}
        onChange={(e) => setParams({ refresh: e.target.value === 'off' ? null : e.target.value })}
        title="Auto-refresh"
      >
        {REFRESH_CHOICES.map((r) => (
          <option key={r} value={r}>
            {r === 'off' ? '⟳ off' : `⟳ ${r}`}
          </option>
        ))}
      </select>
      <button type="button" onClick={bumpRefresh} aria-label="Refresh now" title="Refresh now">
        ⟳
      </button>
    </div>
  );
}
