/**
 * Unlike timePerCall() from _lib, charges each call the CPU time this process spent (user +
 * system) instead of wall time: on a shared, overloaded machine wall time mostly measures the
 * other processes, while CPU time stays close to the work done. Used by sdk-overhead and logger.
 * Returns CPU µs per call over exactly `runs` sequential calls (no warm-up).
 */
export async function cpuPerRun(fn: () => unknown, runs: number): Promise<number> {
  const cpuStart = process.cpuUsage();
  for (let i = 0; i < runs; i++) await fn();
  const cpu = process.cpuUsage(cpuStart);
  return (cpu.user + cpu.system) / runs;
}
