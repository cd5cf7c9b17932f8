import { fmtLocal, fmtUtc } from './format.js';

/** A time in the browser's zone, UTC on hover (and for screen readers via the datetime attr). */
export function Time({ value }: { value: string | number | null }) {
  if (value === null) return <span>–</span>;
  const iso = new Date(value).toISOString();
  return (
    <time dateTime={iso} title={fmtUtc(iso)}>
      {fmtLocal(iso)}
    </time>
  );
}
