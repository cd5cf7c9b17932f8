/**
 * The SDK never throws into the host app from its own machinery; it warns once per kind of
 * problem (so a hot loop cannot flood stderr) and counts every occurrence.
 */
const warned = new Set<string>();
const counts = new Map<string, number>();

export type WarnSink = (message: string) => void;

let sink: WarnSink = (message) => {
  process.stderr.write(`[tenantry] ${message}\n`);
};

export function setWarnSink(next: WarnSink | undefined): void {
  sink = next ?? ((message) => process.stderr.write(`[tenantry] ${message}\n`));
}

export function warnOnce(kind: string, message: string): void {
  counts.set(kind, (counts.get(kind) ?? 0) + 1);
  if (warned.has(kind)) return;
  warned.add(kind);
  try {
    sink(message);
  } catch {
    // A broken sink must not break the caller either.
  }
}

/** How often each kind of internal problem occurred since the process started (or reset). */
export function problemCounts(): Record<string, number> {
  return Object.fromEntries(counts);
}

export function resetWarnings(): void {
  warned.clear();
  counts.clear();
}
