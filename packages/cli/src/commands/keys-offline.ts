/**
 * `tenantry keys ... --data-dir <dir>`: keys straight in the data directory, with no server
 * running (as Grafana's and Gitea's admin CLIs do). The way back in when no admin key is known:
 * a first start that failed before printing its keys, or a lost admin key.
 */
import {
  createKey,
  loadConfig,
  openStorage,
  publicKeyView,
  revokeKey,
  type Storage,
} from '@tenantry/server';

/** The data dir could not be opened: most often a running server holds it. */
export class DataDirBusyError extends Error {
  readonly code = 'TENANTRY_E_DATA_DIR_BUSY';
}

export interface OfflineTarget {
  dataDir: string;
  config?: string;
}

export async function withDataDir<T>(
  target: OfflineTarget,
  fn: (storage: Storage) => Promise<T>,
): Promise<T> {
  const config = loadConfig({
    file: target.config,
    fileIsExplicit: target.config !== undefined,
    overrides: { dataDir: target.dataDir },
  });
  let storage: Storage;
  try {
    storage = await openStorage(config);
  } catch (err) {
    throw new DataDirBusyError(
      `cannot open ${target.dataDir}: ${(err as Error).message.split('\n')[0]}. ` +
        'If a server is running on it, stop it first, or create the key through it with --url and --key.',
    );
  }
  try {
    await storage.migrate();
    return await fn(storage);
  } finally {
    await storage.close();
  }
}

export const offline = {
  create: (t: OfflineTarget, input: Parameters<typeof createKey>[1]) =>
    withDataDir(t, async (s) => {
      const { record, secret } = await createKey(s, input);
      return { key: publicKeyView(record), secret };
    }),
  list: (t: OfflineTarget) =>
    withDataDir(t, async (s) => (await s.listKeys()).map((k) => publicKeyView(k))),
  revoke: (t: OfflineTarget, id: string) => withDataDir(t, (s) => revokeKey(s, id)),
};
