import { parseArgs } from 'node:util';
import type { DoctorResponse } from '@tenantry/server';
import { callApi, targetFrom } from '../api-client.js';
import { API_OPTIONS, usageErrors, withCliErrors } from '../args.js';
import type { CliIo } from '../io.js';

const HELP = `usage: tenantry doctor [--tenant id] [--from t] [--to t] [--url u] [--key k] [--json]

Finds propagation mistakes: orphan spans, spans with no tenant, traces that mix tenants, runs cut
off without an end. Exits 1 when a critical finding (a mixed-tenant trace) exists.
`;

export async function run(args: string[], io: CliIo, env = process.env): Promise<number> {
  return withCliErrors('doctor', HELP, io, async () => {
    const { values } = usageErrors(() =>
      parseArgs({
        args,
        options: {
          ...API_OPTIONS,
          tenant: { type: 'string' },
          from: { type: 'string' },
          to: { type: 'string' },
        },
      }),
    );
    if (values.help) {
      io.stdout.write(HELP);
      return 0;
    }
    const p = new URLSearchParams();
    for (const k of ['tenant', 'from', 'to'] as const) if (values[k]) p.set(k, values[k]);
    const r = await callApi<DoctorResponse>(targetFrom(values, env), 'GET', `/api/v1/doctor?${p}`);
    if (values.json) io.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
    else {
      io.stdout.write(`doctor ${r.tenantId ?? 'all tenants'} ${r.range.from} → ${r.range.to}\n`);
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
    return r.findings.some((f) => f.severity === 'critical' && f.count > 0) ? 1 : 0;
  });
}
