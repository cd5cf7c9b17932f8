/**
 * init() takes a plain object, so a misspelt option (`sampleRatio` for `sampling`) would be
 * ignored without a word and the default used. This names it and the nearest known option, once,
 * and never throws: a typo in telemetry setup must not stop the app.
 */
import type { InitOptions, LogsOptions, MetricsOptions } from '../config.js';
import { warnOnce } from './warn.js';

// Records keyed by the option types, so adding an option without listing it here fails to compile.
const INIT_KEYS: Record<keyof InitOptions, true> = {
  serviceName: true,
  exporter: true,
  consoleFormat: true,
  consoleStream: true,
  endpoint: true,
  apiKey: true,
  headers: true,
  captureContent: true,
  redact: true,
  sampling: true,
  maxAttributeLength: true,
  batch: true,
  resourceAttributes: true,
  metrics: true,
  logs: true,
  flushOnExit: true,
};
const METRICS_KEYS: Record<keyof MetricsOptions, true> = {
  exporter: true,
  exportIntervalMillis: true,
  readers: true,
  prometheus: true,
  maxTenantsPerMetric: true,
};
const LOGS_KEYS: Record<keyof LogsOptions, true> = { exporter: true };

/** Warns once per unknown key of `options` (and of `metrics`, `logs`); returns what it found. */
export function warnUnknownOptions(options: unknown, where = 'init'): string[] {
  const found: string[] = [];
  if (!isPlainObject(options)) return found;
  check(options, Object.keys(INIT_KEYS), '', found);
  if (isPlainObject(options.metrics))
    check(options.metrics, Object.keys(METRICS_KEYS), 'metrics.', found);
  if (isPlainObject(options.logs)) check(options.logs, Object.keys(LOGS_KEYS), 'logs.', found);
  for (const message of found) warnOnce(`unknown-option:${message}`, `${where}(): ${message}`);
  return found;
}

function check(obj: Record<string, unknown>, known: string[], prefix: string, out: string[]) {
  for (const key of Object.keys(obj)) {
    if (known.includes(key)) continue;
    const near = nearest(key, known);
    out.push(
      `unknown option '${prefix}${key}' is ignored` +
        (near === undefined ? '' : `; did you mean '${prefix}${near}'?`),
    );
  }
}

/** The known name closest to `key`, if close enough to be a plausible typo or synonym. */
export function nearest(key: string, known: string[]): string | undefined {
  const lower = key.toLowerCase();
  let best: { name: string; score: number } | undefined;
  for (const name of known) {
    const candidate = name.toLowerCase();
    // A shared stem ('sampleRatio' / 'sampling') counts as near, the longest stem nearest.
    const stem = commonPrefix(lower, candidate);
    const score = stem >= 4 ? 1 / stem : distance(lower, candidate);
    if (best === undefined || score < best.score) best = { name, score };
  }
  if (best === undefined) return undefined;
  return best.score <= Math.max(2, Math.floor(key.length / 3)) ? best.name : undefined;
}

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitute = prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, substitute);
    }
    prev = row;
  }
  return prev[b.length]!;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
