import type { LogRow } from './types.js';

/** Logs of several reads in one time order (stable: each read's own order kept within a time). */
export function byTime(logs: LogRow[]): LogRow[] {
  return logs.sort((a, b) =>
    a.timeUnixNano < b.timeUnixNano ? -1 : a.timeUnixNano > b.timeUnixNano ? 1 : 0,
  );
}
