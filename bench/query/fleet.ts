import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Fleet, TenantIdFormat } from './seed.js';

/**
 * Where a seeded fleet lives between runs: `$BENCH_DATA_DIR` (default
 * `~/.cache/tenantry/bench-query`, outside the repo), one folder per fleet shape, one sub-folder
 * per engine. A 100 M-span fleet takes a while to seed and compact; later runs reuse it.
 */
export interface FleetDir {
  fleet: Required<Fleet>;
  dir: string;
  /** What earlier runs recorded: seeding and compaction times per engine, in seconds. */
  manifest: Manifest;
  save(): void;
}

export interface Manifest {
  endMs: number;
  seconds: Record<string, number>;
  /** When each step ran (UTC) and the load average then. */
  at: Record<string, string>;
}

/** v2: the portable generator (identical rows on every engine). Bump when seed.ts changes. */
const SEED_VERSION = 2;

export function fleetDir(shape: {
  spans: number;
  tenants: number;
  days: number;
  ids: TenantIdFormat;
}): FleetDir {
  const cache = process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  const root = process.env.BENCH_DATA_DIR ?? join(cache, 'tenantry', 'bench-query');
  const dir = join(
    root,
    `s${SEED_VERSION}-${shape.spans}-spans-${shape.tenants}-tenants-${shape.days}-days-${shape.ids}`,
  );
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'manifest.json');
  // The fleet ends when it was first seeded (today's rows stay in arrival order, as live ingest
  // leaves them) and keeps that end when reused, so every engine and run see the same days.
  const manifest: Manifest = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as Manifest)
    : { endMs: Date.now(), seconds: {}, at: {} };
  return {
    fleet: { ...shape, endMs: manifest.endMs },
    dir,
    manifest,
    save() {
      // Steps another process recorded meanwhile (a seeding run beside this one) are kept.
      if (existsSync(file)) {
        const disk = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
        manifest.seconds = { ...disk.seconds, ...manifest.seconds };
        manifest.at = { ...disk.at, ...manifest.at };
      }
      writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
    },
  };
}
