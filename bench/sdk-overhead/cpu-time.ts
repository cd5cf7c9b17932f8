/**
 * Like timePerCall() from _lib, but charges each call the CPU time this process spent (user +
 * system) instead of wall time: on a shared, overloaded machine wall time mostly measures the
 * other processes, while CPU time stays close to the work done. Used by sdk-overhead and logger.
 */
export async function cpuPerCall(fn: () => unknown, ms = 250): Promise<number> {
  const warmUntil = performance.now() + Math.min(100, ms / 3);
  while (performance.now() < warmUntil) await fn();
  let calls = 0;
  const wallStart = performance.now();
  const cpuStart = process.cpuUsage();
  while (performance.now() - wallStart < ms) {
    for (let i = 0; i < 16; i++) await fn();
    calls += 16;
  }
  const cpu = process.cpuUsage(cpuStart);
  return (cpu.user + cpu.system) / calls;
}
