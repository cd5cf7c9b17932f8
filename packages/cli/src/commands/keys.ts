import { callApi, targetFrom } from '../api-client.js';
import { API_OPTIONS, parseCommand, tenantFlag, UsageError, withCliErrors } from '../args.js';
import type { CliIo } from '../io.js';
import { printTable } from '../table.js';
import { offline } from './keys-offline.js';

const HELP = `usage: tenantry keys <create|list|revoke> [options]

  tenantry keys create --kind <admin|ingest|read> [--tenant <id>] [--name <name>]
  tenantry keys create --admin         same as --kind admin
  tenantry keys list
  tenantry keys revoke <key-id>

  --url <url>        server URL (env TENANTRY_URL, default http://127.0.0.1:4318)
  --key <key>        admin key (env TENANTRY_ADMIN_KEY)
  --data-dir <dir>   work on the data directory itself, no server and no key needed (the way
                     back in when no admin key is known); the server must not be running on it
  --config <file>    with --data-dir: the server's config file (storage engine, ClickHouse URL)
  --json             print JSON
`;

const OPTIONS = {
  ...API_OPTIONS,
  kind: { type: 'string' },
  admin: { type: 'boolean' },
  tenant: { type: 'string' },
  name: { type: 'string' },
  'data-dir': { type: 'string' },
  config: { type: 'string' },
} as const;

interface KeyView {
  id: string;
  prefix: string;
  kind: 'admin' | 'ingest' | 'read';
  tenantId: string | null;
  name: string;
  createdAt: string;
  revokedAt: string | null;
}

export async function run(args: string[], io: CliIo, env = process.env): Promise<number> {
  return withCliErrors('keys', HELP, io, async () => {
    const parsed = parseCommand(args, { allowPositionals: true, options: OPTIONS }, HELP, io);
    if (parsed === undefined) return 0;
    const { values, positionals } = parsed;
    const [action, id] = positionals;
    const dataDir = values['data-dir'];
    const local = dataDir === undefined ? undefined : { dataDir, config: values.config };
    const target = local === undefined ? targetFrom(values, env, 'admin') : undefined;
    if (action === 'create') {
      const kind = values.admin ? 'admin' : values.kind;
      if (values.admin && values.kind !== undefined && values.kind !== 'admin') {
        throw new UsageError('--admin and --kind disagree');
      }
      if (!kind || !['admin', 'ingest', 'read'].includes(kind)) {
        throw new UsageError('--kind must be admin, ingest or read (or pass --admin)');
      }
      const input = {
        kind: kind as KeyView['kind'],
        tenantId: tenantFlag(values.tenant) ?? null,
        ...(values.name ? { name: values.name } : {}),
      };
      if (input.tenantId !== null && !/^[\w.:@/-]+$/.test(input.tenantId)) {
        // Valid, but spaces and punctuation are more often a typo than a tenant naming scheme.
        io.stderr.write(
          `note: this key matches only items whose tenant.id is exactly ${JSON.stringify(input.tenantId)}\n`,
        );
      }
      const created =
        local !== undefined
          ? await offline.create(local, input)
          : await callApi<{ key: KeyView; secret: string }>(target!, 'POST', '/api/v1/keys', input);
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
      const items: KeyView[] =
        local !== undefined
          ? await offline.list(local)
          : (await callApi<{ items: KeyView[] }>(target!, 'GET', '/api/v1/keys')).items;
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
      if (local !== undefined) await offline.revoke(local, id);
      else await callApi(target!, 'DELETE', `/api/v1/keys/${encodeURIComponent(id)}`);
      io.stdout.write(`revoked ${id}\n`);
      return 0;
    }
    throw new UsageError(action ? `unknown action '${action}'` : 'missing action');
  });
}
