import { parseArgs } from 'node:util';
import { callApi, targetFrom } from '../api-client.js';
import { API_OPTIONS, UsageError, usageErrors, withCliErrors } from '../args.js';
import type { CliIo } from '../io.js';
import { printTable } from '../table.js';

const HELP = `usage: tenantry keys <create|list|revoke> [options]

  tenantry keys create --kind <admin|ingest|read> [--tenant <id>] [--name <name>]
  tenantry keys list
  tenantry keys revoke <key-id>

  --url <url>   server URL (env TENANTRY_URL, default http://127.0.0.1:4318)
  --key <key>   admin key (env TENANTRY_API_KEY)
  --json        print JSON
`;

interface KeyView {
  id: string;
  prefix: string;
  kind: string;
  tenantId: string | null;
  name: string;
  createdAt: string;
  revokedAt: string | null;
}

export async function run(args: string[], io: CliIo, env = process.env): Promise<number> {
  return withCliErrors('keys', HELP, io, async () => {
    const { values, positionals } = usageErrors(() =>
      parseArgs({
        args,
        allowPositionals: true,
        options: {
          ...API_OPTIONS,
          kind: { type: 'string' },
          tenant: { type: 'string' },
          name: { type: 'string' },
        },
      }),
    );
    if (values.help) {
      io.stdout.write(HELP);
      return 0;
    }
    const [action, id] = positionals;
    const target = targetFrom(values, env);
    if (action === 'create') {
      if (!values.kind || !['admin', 'ingest', 'read'].includes(values.kind)) {
        throw new UsageError('--kind must be admin, ingest or read');
      }
      const created = await callApi<{ key: KeyView; secret: string }>(
        target,
        'POST',
        '/api/v1/keys',
        {
          kind: values.kind,
          tenantId: values.tenant ?? null,
          ...(values.name ? { name: values.name } : {}),
        },
      );
      if (values.json) io.stdout.write(`${JSON.stringify(created)}\n`);
      else {
        io.stdout.write(
          `created ${created.key.kind} key ${created.key.id}${created.key.tenantId ? ` for tenant ${created.key.tenantId}` : ''}\n`,
        );
        io.stdout.write(`secret (shown once): ${created.secret}\n`);
      }
      return 0;
    }
    if (action === 'list') {
      const { items } = await callApi<{ items: KeyView[] }>(target, 'GET', '/api/v1/keys');
      if (values.json) io.stdout.write(`${JSON.stringify(items)}\n`);
      else {
        printTable(
          io.stdout,
          ['id', 'prefix', 'kind', 'tenant', 'name', 'created', 'revoked'],
          items.map((k) => [
            k.id,
            k.prefix,
            k.kind,
            k.tenantId ?? '*',
            k.name,
            k.createdAt,
            k.revokedAt ?? '',
          ]),
        );
      }
      return 0;
    }
    if (action === 'revoke') {
      if (!id) throw new UsageError('revoke needs a key id (see tenantry keys list)');
      await callApi(target, 'DELETE', `/api/v1/keys/${encodeURIComponent(id)}`);
      io.stdout.write(`revoked ${id}\n`);
      return 0;
    }
    throw new UsageError(action ? `unknown action '${action}'` : 'missing action');
  });
}
