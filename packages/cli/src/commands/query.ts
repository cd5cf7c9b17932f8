import type {
  LogsResponse,
  Page,
  RunSummary,
  TenantsResponse,
  TraceResponse,
} from '@tenantry/server';
import { type ApiTarget, callApi, targetFrom } from '../api-client.js';
import {
  API_OPTIONS,
  parseCommand,
  RANGE_OPTIONS,
  TIME_HELP,
  tenantFlag,
  timeFlag,
  UsageError,
  withCliErrors,
} from '../args.js';
import type { CliIo } from '../io.js';
import { printTable } from '../table.js';

const HELP = `usage: tenantry query <runs|trace|logs|tenants> [options]

  tenantry query tenants [--q text] [--sort runs|failure_rate|p95|tokens|cost|last_seen]
  tenantry query runs [--tenant id] [--status ok|error|unset] [--agent name] [--q text]
                [--with field=value]
                (ok: every run that did not fail, including status unset, the OTel default;
                --with: a finding of \`tenantry why\`, e.g. failed.tool=get_account_data)
  tenantry query trace <trace-id>
  tenantry query logs [--tenant id] [--level info|warn|error] [--q text] [--trace-id id]

  --from, --to  ${TIME_HELP} (default: the last hour)
  --limit <n>   rows (default 50)
  --url, --key  server URL and admin or read key (env TENANTRY_URL, TENANTRY_ADMIN_KEY or
                TENANTRY_READ_KEY)
  --json        print the API's JSON instead of a table
`;

const OPTIONS = {
  ...API_OPTIONS,
  tenant: { type: 'string' },
  status: { type: 'string' },
  agent: { type: 'string' },
  level: { type: 'string' },
  q: { type: 'string' },
  sort: { type: 'string' },
  'trace-id': { type: 'string' },
  with: { type: 'string' },
  ...RANGE_OPTIONS,
} as const;

const fmtMs = (v: number | null) => (v === null ? '-' : `${Math.round(v)}ms`);
const pct = (v: number | null) => (v === null ? '-' : `${(v * 100).toFixed(1)}%`);

export async function run(args: string[], io: CliIo, env = process.env): Promise<number> {
  return withCliErrors('query', HELP, io, async () => {
    const parsed = parseCommand(args, { allowPositionals: true, options: OPTIONS }, HELP, io);
    if (parsed === undefined) return 0;
    const { values, positionals } = parsed;
    const [what, id] = positionals;
    const tenant = tenantFlag(values.tenant);
    const from = timeFlag(values.from, 'from');
    const to = timeFlag(values.to, 'to');
    const target = targetFrom(values, env);
    const qs = (fields: Record<string, string | undefined>) => {
      const p = new URLSearchParams();
      for (const [k, v] of Object.entries({ ...fields, from, to, limit: values.limit })) {
        if (v !== undefined) p.set(k, v);
      }
      const s = p.toString();
      return s ? `?${s}` : '';
    };
    const out = (json: unknown, table: () => void) => {
      if (values.json) io.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
      else table();
    };
    switch (what) {
      case 'tenants': {
        const r = await callApi<TenantsResponse>(
          target,
          'GET',
          `/api/v1/tenants${qs({ q: values.q, sort: values.sort })}`,
        );
        out(r, () =>
          printTable(
            io.stdout,
            [
              'tenant',
              'runs',
              'failure',
              'p50',
              'p95',
              'p99',
              'tokens in/out',
              'cost',
              'tool err',
              'feedback (neg)',
            ],
            r.items.map((t) => [
              t.tenantId,
              String(t.runs),
              pct(t.failureRate),
              fmtMs(t.runLatencyMs.p50),
              fmtMs(t.runLatencyMs.p95),
              fmtMs(t.runLatencyMs.p99),
              `${t.inputTokens}/${t.outputTokens}`,
              `$${t.cost.usd.toFixed(4)}${t.cost.unpricedModels.length ? '+unpriced' : ''}`,
              pct(t.toolErrorRate),
              t.feedback.count === 0
                ? '-'
                : `${t.feedback.count} (${pct(t.feedback.negativeShare)})`,
            ]),
          ),
        );
        return 0;
      }
      case 'runs': {
        const finding = findingFlag(values.with);
        const r = await callApi<Page<RunSummary>>(
          target,
          'GET',
          `/api/v1/runs${qs({ tenant, status: values.status, agent: values.agent, q: values.q, ...finding })}`,
        );
        if (r.items.length === 0 && tenant !== undefined) await assertTenantKnown(target, tenant);
        out(r, () =>
          printTable(
            io.stdout,
            [
              'start',
              'tenant',
              'agent',
              'status',
              'duration',
              'tokens',
              'tools (err)',
              'trace',
              'first error',
            ],
            r.items.map((x) => [
              x.startTime,
              x.tenantId,
              x.agentName ?? '',
              x.status,
              fmtMs(x.durationMs),
              String(x.inputTokens + x.outputTokens),
              `${x.toolCalls} (${x.toolErrors})`,
              x.traceId,
              (x.firstError ?? '').slice(0, 60),
            ]),
          ),
        );
        return 0;
      }
      case 'trace': {
        if (!id) throw new UsageError('trace needs a trace id');
        const t = await callApi<TraceResponse>(
          target,
          'GET',
          `/api/v1/traces/${encodeURIComponent(id)}`,
        );
        out(t, () => {
          const depth = new Map<string, number>();
          for (const s of t.spans)
            depth.set(s.spanId, s.parentSpanId ? (depth.get(s.parentSpanId) ?? 0) + 1 : 0);
          for (const s of t.spans) {
            const mark = s.status === 'error' ? ' ✗' : '';
            const tokens =
              s.inputTokens !== null ? ` [${s.inputTokens}→${s.outputTokens} tok]` : '';
            io.stdout.write(
              `${'  '.repeat(depth.get(s.spanId) ?? 0)}${s.name} ${fmtMs(s.durationMs)}${tokens}${mark}\n`,
            );
            for (const l of s.logs)
              io.stdout.write(
                `${'  '.repeat((depth.get(s.spanId) ?? 0) + 1)}· ${l.severityText} ${l.body}\n`,
              );
          }
        });
        return 0;
      }
      case 'logs': {
        const r = await callApi<LogsResponse>(
          target,
          'GET',
          `/api/v1/logs${qs({ tenant, level: values.level, q: values.q, traceId: values['trace-id'] })}`,
        );
        if (r.items.length === 0 && tenant !== undefined) await assertTenantKnown(target, tenant);
        out(r, () =>
          printTable(
            io.stdout,
            ['time', 'tenant', 'level', 'message', 'trace'],
            r.items.map((l) => [
              l.time,
              l.tenantId,
              l.severityText,
              l.body.slice(0, 80),
              l.traceId ?? '',
            ]),
          ),
        );
        return 0;
      }
      default:
        throw new UsageError(what ? `unknown query '${what}'` : 'missing what to query');
    }
  });
}

/** A tenant with no data in the longest range the API allows (93 days): almost surely a typo. */
export class UnknownTenantError extends Error {
  readonly code = 'TENANTRY_E_UNKNOWN_TENANT';
}

/** An empty answer for a misspelt tenant would read as "all quiet": say so instead. */
async function assertTenantKnown(target: ApiTarget, tenant: string): Promise<void> {
  const to = Date.now();
  const from = to - 92 * 86_400_000;
  const p = new URLSearchParams({ q: tenant, from: String(from), to: String(to), limit: '1000' });
  const r = await callApi<TenantsResponse>(target, 'GET', `/api/v1/tenants?${p}`);
  if (r.items.some((t) => t.tenantId === tenant)) return;
  throw new UnknownTenantError(
    `no tenant '${tenant}' has sent anything in the last 92 days` +
      (r.items.length > 0
        ? `; similar: ${r.items
            .slice(0, 5)
            .map((t) => t.tenantId)
            .join(', ')}`
        : ''),
  );
}

/** `--with failed.tool=get_account_data`: the field and value of a why finding. */
function findingFlag(flag: string | undefined): { field?: string; value?: string } {
  if (flag === undefined) return {};
  const at = flag.indexOf('=');
  if (at <= 0 || at === flag.length - 1) {
    throw new UsageError(`--with takes field=value (a finding of tenantry why), got '${flag}'`);
  }
  return { field: flag.slice(0, at), value: flag.slice(at + 1) };
}
