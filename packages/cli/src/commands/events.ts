import type {
  ChangeEventKind,
  ChangeEventsResponse,
  CreateChangeEventRequest,
  CreateChangeEventResponse,
} from '@tenantry/server';
import { callApi, targetFrom } from '../api-client.js';
import {
  API_OPTIONS,
  parseCommand,
  RANGE_OPTIONS,
  rangeParams,
  TIME_HELP,
  tenantFlag,
  timeFlag,
  UsageError,
  withCliErrors,
} from '../args.js';
import type { CliIo } from '../io.js';
import { printTable } from '../table.js';

const KINDS: readonly ChangeEventKind[] = ['deploy', 'config_change', 'feature_flag', 'incident'];

const HELP = `usage: tenantry events <create|list> [options]

  Deploy and config-change markers: drawn on the tenant's charts, and \`tenantry why\` says how long
  after one the failures began.

  tenantry events create --kind ${KINDS.join('|')} --title <text>
                [--tenant id] [--service name] [--version v] [--environment env]
                [--attr key=value ...] [--time <time>] [--id id]
      Without --tenant: platform-wide with an admin key (shown to every tenant), or the tenant of an
      ingest key bound to one. --time: ${TIME_HELP} (default: now). --id: your own id for it (a
      deploy id): creating it again stores nothing new, so a pipeline may retry.
  tenantry events list --tenant id [--from] [--to] [--limit n]
      The tenant's events and the platform-wide ones, newest first (default: the last hour).

  --url, --key  server URL and key: create takes an admin key or an ingest key bound to the tenant
                (env TENANTRY_ADMIN_KEY); list an admin or read key (env TENANTRY_ADMIN_KEY or
                TENANTRY_READ_KEY)
  --json        print the API's JSON instead of a table
`;

const OPTIONS = {
  ...API_OPTIONS,
  kind: { type: 'string' },
  title: { type: 'string' },
  tenant: { type: 'string' },
  service: { type: 'string' },
  version: { type: 'string' },
  environment: { type: 'string' },
  attr: { type: 'string', multiple: true },
  time: { type: 'string' },
  id: { type: 'string' },
  ...RANGE_OPTIONS,
} as const;

export async function run(args: string[], io: CliIo, env = process.env): Promise<number> {
  return withCliErrors('events', HELP, io, async () => {
    const parsed = parseCommand(args, { allowPositionals: true, options: OPTIONS }, HELP, io);
    if (parsed === undefined) return 0;
    const { values, positionals } = parsed;
    const [what, ...rest] = positionals;
    if (rest.length > 0) throw new UsageError(`unexpected argument '${rest[0]}'`);
    const tenant = tenantFlag(values.tenant);
    if (what === 'create') {
      const kind = values.kind as ChangeEventKind | undefined;
      if (!kind || !KINDS.includes(kind)) {
        throw new UsageError(`--kind must be one of ${KINDS.join(', ')}`);
      }
      if (!values.title) throw new UsageError('--title is required');
      const time = timeFlag(values.time, 'time');
      const body: CreateChangeEventRequest = {
        ...(values.id === undefined ? {} : { id: values.id }),
        kind,
        title: values.title,
        ...(tenant === undefined ? {} : { tenantId: tenant }),
        ...(values.service === undefined ? {} : { serviceName: values.service }),
        ...(values.version === undefined ? {} : { version: values.version }),
        ...(values.environment === undefined ? {} : { environment: values.environment }),
        ...(values.attr ? { attributes: attrs(values.attr) } : {}),
        ...(time === undefined ? {} : { time: Number(time) }),
      };
      const r = await callApi<CreateChangeEventResponse>(
        targetFrom(values, env, 'admin'),
        'POST',
        '/api/v1/events',
        body,
      );
      if (values.json) io.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
      else {
        const e = r.event;
        io.stdout.write(
          `${r.created ? 'created' : 'already stored'} ${e.id}: ${e.kind} '${e.title}' at ${e.time} for ${e.tenantId ?? 'every tenant (platform-wide)'}\n`,
        );
      }
      return 0;
    }
    if (what === 'list') {
      if (tenant === undefined) throw new UsageError('list needs --tenant');
      const qs = rangeParams(values).toString();
      const r = await callApi<ChangeEventsResponse>(
        targetFrom(values, env),
        'GET',
        `/api/v1/tenants/${encodeURIComponent(tenant)}/events${qs ? `?${qs}` : ''}`,
      );
      if (values.json) {
        io.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
        return 0;
      }
      if (r.items.length === 0) {
        io.stdout.write(`no events for ${r.tenantId} from ${r.range.from} to ${r.range.to}\n`);
        return 0;
      }
      printTable(
        io.stdout,
        ['time', 'kind', 'title', 'service', 'version', 'environment', 'scope', 'id'],
        r.items.map((e) => [
          e.time,
          e.kind,
          e.title.slice(0, 60),
          e.serviceName ?? '-',
          e.version ?? '-',
          e.environment ?? '-',
          e.tenantId === null ? 'platform' : 'tenant',
          e.id,
        ]),
      );
      return 0;
    }
    throw new UsageError(
      what ? `unknown subcommand '${what}'` : 'name a subcommand: create or list',
    );
  });
}

/** --attr key=value (repeatable): strings, as typed; the server bounds and redacts them. */
function attrs(pairs: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new UsageError(`--attr must be key=value, got '${pair}'`);
    out[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return out;
}
