/** A usage mistake: the command prints the message and its usage, and exits 2. */
export class UsageError extends Error {}

/** Runs node:util parseArgs (or any parser) and turns its complaints into a UsageError. */
export function usageErrors<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

export function intFlag(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value))
    throw new UsageError(`--${name} must be a non-negative integer, got '${value}'`);
  return Number(value);
}

/** Options every command that talks to a running server takes. */
export const API_OPTIONS = {
  url: { type: 'string' },
  key: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/**
 * Runs a command body and turns its failures into the CLI contract: a usage mistake prints the
 * message and the usage and exits 2; a coded error (bad input, unreachable server) prints
 * `CODE: message` and exits 1. Anything else is a bug and propagates.
 */
export async function withCliErrors(
  command: string,
  help: string,
  io: { stderr: NodeJS.WritableStream },
  body: () => Promise<number>,
): Promise<number> {
  try {
    return await body();
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`tenantry ${command}: ${err.message}\n\n${help}`);
      return 2;
    }
    const coded = err as { code?: unknown; message?: unknown };
    if (
      err instanceof Error &&
      typeof coded.code === 'string' &&
      coded.code.startsWith('TENANTRY_E_')
    ) {
      io.stderr.write(`tenantry ${command}: ${coded.code}: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}
