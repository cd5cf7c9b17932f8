import type { DoctorResponse } from '@tenantry/server';
import { callApi, targetFrom } from '../api-client.js';
import {
  API_OPTIONS,
  durationFlag,
  parseCommand,
  TIME_HELP,
  tenantFlag,
  timeFlag,
  withCliErrors,
} from '../args.js';
import type { CliIo } from '../io.js';

const DEFAULT_GRACE_MS = 60_000;

const HELP = `usage: tenantry doctor [--tenant id] [--from t] [--to t] [--grace d] [--wait] [--url u] [--key k] [--json]

Finds propagation mistakes: orphan spans, spans with no tenant, traces that mix tenants, runs cut
off without an end.

Spans that started in the last 60 s are not judged: their parent or root may still be on its way.
  --grace <d>   how recent is too recent to judge: 0, 30s, 2m (default 60s); 0 judges everything,
                so a parent still in flight reads as an orphan
  --wait        first wait out the grace, so everything sent before the command is judged (CI)
  --from, --to  ${TIME_HELP}

Exit codes: 0 no critical finding, 1 a critical finding (a mixed-tenant trace), 2 usage error,
3 could not check (server unreachable, bad key, unknown tenant).
`;

const OPTIONS = {
  ...API_OPTIONS,
  tenant: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  grace: { type: 'string' },
  wait: { type: 'boolean' },
} as const;

export async function run(args: string[], io: CliIo, env = process.env): Promise<number> {
  return withCliErrors(
    'doctor',
    HELP,
    io,
    async () => {
      const parsed = parseCommand(args, { options: OPTIONS }, HELP, io);
      if (parsed === undefined) return 0;
      const { values } = parsed;
      const tenant = tenantFlag(values.tenant);
      const graceMs = durationFlag(values.grace, 'grace') ?? DEFAULT_GRACE_MS;
      const target = targetFrom(values, env);
      if (values.wait && graceMs > 0) {
        io.stderr.write(
          `doctor: waiting ${fmtGrace(graceMs)} so spans sent until now are judged (--grace)\n`,
        );
        await new Promise((resolve) => setTimeout(resolve, graceMs));
      }
      const p = new URLSearchParams({ graceMs: String(graceMs) });
      if (tenant !== undefined) p.set('tenant', tenant);
      const from = timeFlag(values.from, 'from');
      const to = timeFlag(values.to, 'to');
      if (from !== undefined) p.set('from', from);
      if (to !== undefined) p.set('to', to);
      const r = await callApi<DoctorResponse>(target, 'GET', `/api/v1/doctor?${p}`);
      if (values.json) io.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
      else print(r, io, values.wait === true);
      return r.findings.some((f) => f.severity === 'critical' && f.count > 0) ? 1 : 0;
    },
    3,
  );
}

function print(r: DoctorResponse, io: CliIo, waited: boolean): void {
  io.stdout.write(`doctor ${r.tenantId ?? 'all tenants'} ${r.range.from} → ${r.range.to}\n`);
  if (r.graceMs > 0) {
    io.stdout.write(
      `judged spans that started before ${r.settledBefore}; the last ${fmtGrace(r.graceMs)} are not judged yet` +
        (waited ? '\n' : ' (run with --wait to wait them out, or --grace 0)\n'),
    );
  }
  for (const f of r.findings) {
    io.stdout.write(
      `${f.count === 0 ? 'ok  ' : f.severity === 'critical' ? 'FAIL' : 'warn'} ${f.kind}: ${f.count}\n`,
    );
    if (f.count > 0) {
      io.stdout.write(`     ${f.hint}\n`);
      for (const e of f.examples.slice(0, 3))
        io.stdout.write(`     e.g. tenant ${e.tenantId} trace ${e.traceId}: ${e.detail}\n`);
    }
  }
}

function fmtGrace(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
