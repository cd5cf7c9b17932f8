import type { WhyFinding, WhyResponse } from '@tenantry/server';
import { callApi, targetFrom } from '../api-client.js';
import {
  API_OPTIONS,
  parseCommand,
  RANGE_OPTIONS,
  rangeParams,
  TIME_HELP,
  tenantFlag,
  UsageError,
  withCliErrors,
} from '../args.js';
import type { CliIo } from '../io.js';
import { printTable } from '../table.js';

const HELP = `usage: tenantry why <tenant> [options]

  What the tenant's failing runs share that its passing runs do not (span and tool names,
  error.type, status messages, models, agents, service.version ...), which version or environment
  appeared in the range, and when the failure rate stepped up.

  --from, --to   ${TIME_HELP} (default: the last hour)
  --limit <n>    findings (default 10)
  --cohort <c>   failed (default): failing vs passing runs; negative_feedback: runs users or
                 evaluators scored below 0.5 vs the rest
  --url, --key   server URL and admin or read key (env TENANTRY_URL, TENANTRY_ADMIN_KEY or
                 TENANTRY_READ_KEY)
  --json         print the API's JSON instead of a table
`;

const OPTIONS = {
  ...API_OPTIONS,
  ...RANGE_OPTIONS,
  cohort: { type: 'string' },
} as const;

const pct = (v: number) => `${Math.round(v * 100)}%`;
const side = (s: WhyFinding['failing']) => `${s.runs} (${pct(s.share)})`;

export async function run(args: string[], io: CliIo, env = process.env): Promise<number> {
  return withCliErrors('why', HELP, io, async () => {
    const parsed = parseCommand(args, { allowPositionals: true, options: OPTIONS }, HELP, io);
    if (parsed === undefined) return 0;
    const { values, positionals } = parsed;
    if (positionals.length !== 1) throw new UsageError('name one tenant');
    const tenant = tenantFlag(positionals[0], 'tenant')!;
    const p = rangeParams(values);
    const cohort = values.cohort;
    if (cohort !== undefined && cohort !== 'failed' && cohort !== 'negative_feedback') {
      throw new UsageError('--cohort is failed or negative_feedback');
    }
    if (cohort) p.set('cohort', cohort);
    const qs = p.toString();
    const r = await callApi<WhyResponse>(
      targetFrom(values, env),
      'GET',
      `/api/v1/tenants/${encodeURIComponent(tenant)}/why${qs ? `?${qs}` : ''}`,
    );
    if (values.json) {
      io.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
      return 0;
    }
    const negative = r.cohort === 'negative_feedback';
    io.stdout.write(
      `${r.tenantId}: ${r.failedRuns} of ${r.runs} runs ${negative ? 'scored negatively' : 'failed'} (${r.range.from} to ${r.range.to})\n`,
    );
    if (r.summary) io.stdout.write(`suspect: ${r.summary}\n`);
    for (const c of r.changes) {
      const before = c.failureRateBefore === null ? '-' : pct(c.failureRateBefore);
      const after = c.failureRateAfter === null ? '-' : pct(c.failureRateAfter);
      const what = c.event ? `${c.event.kind} ${c.value} at` : `${c.field} ${c.value} first seen`;
      io.stdout.write(`changed: ${what} ${c.firstSeen} (failure rate ${before} → ${after})\n`);
    }
    if (r.findings.length === 0) {
      io.stdout.write(
        r.failedRuns === 0
          ? `no ${negative ? 'negatively scored' : 'failing'} runs in the range\n`
          : `nothing sets ${negative ? 'negatively scored' : 'failing'} runs apart\n`,
      );
      return 0;
    }
    io.stdout.write('\n');
    printTable(
      io.stdout,
      ['field', 'value', 'failing', 'passing', 'failing run', 'passing run'],
      r.findings.map((f) => [
        f.field,
        f.value.slice(0, 60),
        side(f.failing),
        side(f.passing),
        f.failingTraceId ?? '-',
        f.passingTraceId ?? '-',
      ]),
    );
    const top = r.findings[0]!;
    io.stdout.write(
      `\nthe runs behind a finding: tenantry query runs --tenant ${r.tenantId}${negative ? '' : ' --status error'} --with '${top.field}=${top.value.replaceAll("'", "'\\''")}'\n`,
    );
    return 0;
  });
}
