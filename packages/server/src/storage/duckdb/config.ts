import { totalmem } from 'node:os';
import { z } from 'zod';

const MiB = 1024 * 1024;

/**
 * DuckDB's buffer manager limit when none is configured: 512 MiB, or half the machine's memory on
 * a smaller one. Left unset, DuckDB takes 80% of the machine's memory, so the server's resident
 * memory had no bound short of the machine (docs/scaling.md, "Memory").
 */
export function defaultDuckDbMemoryLimitMiB(): number {
  return Math.max(64, Math.min(512, Math.floor(totalmem() / MiB / 2)));
}

/** `storage.duckdb`: settings of the embedded DuckDB (docs/configuration.md). */
export const duckDbConfigSchema = z
  .object({
    /**
     * DuckDB's `memory_limit` in MiB: its cache of table blocks and what queries hold in memory
     * (past it, large sorts, joins and aggregations spill to `<dataDir>/tenantry.duckdb.tmp`).
     */
    memoryLimitMiB: z
      .number()
      .int()
      .min(64, 'at least 64 MiB')
      .superRefine((mib, ctx) => {
        // Checked at start, against this machine: a limit past its memory bounds nothing.
        const machine = Math.floor(totalmem() / MiB);
        if (mib > machine)
          ctx.addIssue({
            code: 'custom',
            message: `${mib} MiB is more than this machine's memory (${machine} MiB)`,
          });
      })
      .default(defaultDuckDbMemoryLimitMiB),
  })
  .strict()
  .default(() => ({ memoryLimitMiB: defaultDuckDbMemoryLimitMiB() }));

export type DuckDbConfig = z.infer<typeof duckDbConfigSchema>;
