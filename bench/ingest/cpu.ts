import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time of another process from /proc (Linux only): the whole process, and its main thread,
 * which for Node is the event loop. Used to say where the end-to-end time goes, per span.
 */
export interface CpuSample {
  process: number;
  eventLoop: number;
}

let ticksPerSecond: number | null = null;

function clockTicks(): number {
  if (ticksPerSecond === null) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/**
 * utime + stime of a /proc stat file, in seconds. For a process (/proc/<pid>/stat) Linux sums
 * every thread of it, the ones that exited included: the event loop, the ingest workers, DuckDB's
 * threads and libuv's pool alike.
 */
function cpuSeconds(statPath: string): number {
  const stat = readFileSync(statPath, 'utf8');
  // The command name (field 2) may contain spaces: count fields after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicks();
}

/** Null where /proc is not available (not Linux): the CPU figures are then left out. */
export function sampleCpu(pid: number): CpuSample | null {
  try {
    return {
      process: cpuSeconds(`/proc/${pid}/stat`),
      eventLoop: cpuSeconds(`/proc/${pid}/task/${pid}/stat`),
    };
  } catch {
    return null;
  }
}

/** Threads of a process now (the event loop, ingest workers, DuckDB's, libuv's). */
export function threadCount(pid: number): number | null {
  try {
    return readdirSync(`/proc/${pid}/task`).length;
  } catch {
    return null;
  }
}

/** The most memory the process has held resident (VmHWM), in MiB. */
export function peakRssMiB(pid: number): number | null {
  try {
    const kb = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmHWM:\s+(\d+) kB/m)?.[1];
    return kb === undefined ? null : Number(kb) / 1024;
  } catch {
    return null;
  }
}
