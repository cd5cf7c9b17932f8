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
