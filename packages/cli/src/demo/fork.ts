/** Starting one simulated service as its own Node process, from source (tsx) or from the build. */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Forks `./<name>.ts|js` next to this module; from source the child runs through tsx.
 */
export function forkService(name: string, env: Record<string, string>): ChildProcess {
  const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
  const entry = fileURLToPath(new URL(`./${name}.${ext}`, import.meta.url));
  // Under a runner that transforms TS itself (vitest), the child still needs a loader for .ts.
  const tsx = process.execArgv.some((a) => a.includes('tsx'));
  return fork(entry, [], {
    execArgv: ext === 'ts' && !tsx ? [...process.execArgv, '--import', 'tsx'] : process.execArgv,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
}

/** Resolves with the first IPC message `accept` returns a value for; rejects if the child exits. */
export function nextMessage<M, T>(
  child: ChildProcess,
  accept: (m: M) => T | undefined,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: M) => {
      const value = accept(m);
      if (value === undefined) return;
      cleanup();
      resolve(value);
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`demo service exited (code ${code})`));
    };
    const cleanup = () => {
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}
