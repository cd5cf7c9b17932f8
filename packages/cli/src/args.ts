import { type ParseArgsConfig, parseArgs } from 'node:util';

/** A usage mistake: the command prints the message and its usage, and exits 2. */
export class UsageError extends Error {}

export function intFlag(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value))
    throw new UsageError(`--${name} must be a non-negative integer, got '${value}'`);
  return Number(value);
}

/** Options every command that talks to a running server takes. */
export const API_OPTIONS = {
  url: { type: 'string' },
  key: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** Every command takes it; parseCommand adds it, so no command can forget it. */
const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const;

/** A command's parseArgs settings: its options and whether it takes positionals; not the args. */
type CommandArgs = Omit<ParseArgsConfig, 'args'>;

/**
 * The opening every command shares: parses `args` with the command's options plus --help/-h.
 * parseArgs' complaints (an unknown option, a stray positional) become a UsageError, which the
 * command's error handling prints with the usage (exit 2). Returns undefined when --help was
 * given and the usage is printed on stdout: the command then exits 0 without doing anything else.
 */
export function parseCommand<T extends CommandArgs>(
  args: string[],
  config: T,
  help: string,
  io: { stdout: NodeJS.WritableStream },
): ReturnType<typeof parseArgs<T>> | undefined {
  let parsed: ReturnType<typeof parseArgs<T>>;
  try {
    const options = { ...config.options, ...HELP_OPTION };
    // Typed by the command's own options: help is answered here, before the command sees them.
    parsed = parseArgs({ ...config, args, options }) as ReturnType<typeof parseArgs<T>>;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if ((parsed.values as { help?: boolean }).help) {
    io.stdout.write(help);
    return undefined;
  }
  return parsed;
}

/**
 * Runs a command body and turns its failures into the CLI contract: a usage mistake prints the
 * message and the usage and exits 2; a coded error (bad input, unreachable server) prints
 * `CODE: message` and exits 1 (or `errorExit`). Anything else is a bug and propagates.
 */
export async function withCliErrors(
  command: string,
  help: string,
  io: { stderr: NodeJS.WritableStream },
  body: () => Promise<number>,
  /** Exit code for a coded error; doctor uses 3 so CI can tell "could not check" from "failed". */
  errorExit = 1,
): Promise<number> {
  try {
    return await body();
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`tenantry ${command}: ${err.message}\n\n${help}`);
      return 2;
    }
    const coded = err as { code?: unknown; message?: unknown };
    if (
      err instanceof Error &&
      typeof coded.code === 'string' &&
      coded.code.startsWith('TENANTRY_E_')
    ) {
      io.stderr.write(`tenantry ${command}: ${coded.code}: ${err.message}\n`);
      return errorExit;
    }
    throw err;
  }
}

/** The server's rule for a tenant id (auth/keys.ts, ingest/tenant.ts): 1–128 characters, no control characters. */
export function tenantFlag(value: string | undefined, name = 'tenant'): string | undefined {
  if (value === undefined) return undefined;
  if (value.length === 0 || value.length > 128 || /[\u0000-\u001f]/.test(value)) {
    throw new UsageError(
      `--${name} must be 1-128 characters without control characters, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

const UNIT_MS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

export const TIME_HELP =
  'a duration back from now (30m, 1h, 7d), an ISO 8601 time (2026-12-06T10:00Z), epoch milliseconds, or now';

/** --from / --to: relative to now, ISO 8601 or epoch ms; sent to the server as epoch ms. */
export function timeFlag(
  value: string | undefined,
  name: string,
  now = Date.now(),
): string | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (v === 'now') return String(now);
  if (/^\d{1,15}$/.test(v)) return v;
  const rel = v.match(/^-?(\d{1,6})([smhdw])$/);
  if (rel) return String(now - Number(rel[1]) * UNIT_MS[rel[2]!]!);
  if (/^\d{4}-\d{2}-\d{2}/.test(v) && !Number.isNaN(Date.parse(v))) return String(Date.parse(v));
  throw new UsageError(`--${name} '${value}' is not a time: use ${TIME_HELP}`);
}

/** --from, --to and --limit, for the commands that list what happened in a range of time. */
export const RANGE_OPTIONS = {
  from: { type: 'string' },
  to: { type: 'string' },
  limit: { type: 'string' },
} as const;

/** RANGE_OPTIONS checked (--from, --to, then --limit) and set as the list endpoints take them. */
export function rangeParams(values: {
  from?: string;
  to?: string;
  limit?: string;
}): URLSearchParams {
  const p = new URLSearchParams();
  const from = timeFlag(values.from, 'from');
  const to = timeFlag(values.to, 'to');
  const limit = intFlag(values.limit, 'limit');
  if (from) p.set('from', from);
  if (to) p.set('to', to);
  if (limit !== undefined) p.set('limit', String(limit));
  return p;
}

/** --grace and other spans of time: 0, 500ms, 30s, 2m. Returns milliseconds. */
export function durationFlag(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const m = value.trim().match(/^(\d{1,7})(ms|s|m)?$/);
  if (!m)
    throw new UsageError(`--${name} must be a duration like 0, 30s, 2m or 500ms, got '${value}'`);
  const n = Number(m[1]);
  return m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : n * 1000;
}

/**
 * --url: a bare host:port gets http:// (what `tenantry up` serves); any scheme but http(s) is a
 * mistake worth naming rather than a `fetch failed` later.
 */
export function urlFlag(value: string): string {
  const raw = value.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new UsageError(`--url '${value}' is not a URL; e.g. http://127.0.0.1:4318`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--url must start with http:// or https://, got '${value}'`);
  }
  return withScheme.replace(/\/+$/, '');
}
