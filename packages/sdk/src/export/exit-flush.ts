/**
 * Flush at process end. A short script that records a run and returns (the README's example)
 * would otherwise exit with its spans still in the batch queue, and nothing would say so.
 *
 * - Normal end: `beforeExit` fires when the event loop is empty; exporting schedules more work, so
 *   the process stays alive until the export is done (or the bound), then exits as it would have.
 * - SIGTERM / SIGINT: flush, then, if no one else listens for the signal, re-raise it so the
 *   process ends the way it would have without us (exit by that signal). An app with its own
 *   handler decides itself when to exit, so it should `await tenantry.shutdown()` there.
 * - `process.exit()` cannot be waited for: nothing asynchronous runs after it.
 */
import { warnOnce } from '../diag/warn.js';

export interface ExitFlushHooks {
  timeoutMillis: number;
  /** Exports everything queued; must not reject. */
  flush(): Promise<void>;
  /** What could not be exported so far, for the warning; undefined when nothing was lost. */
  lost(timedOut: boolean): string | undefined;
}

type Signal = 'SIGTERM' | 'SIGINT';
const SIGNALS: Signal[] = ['SIGTERM', 'SIGINT'];

let uninstallCurrent: (() => void) | undefined;

/** Installs the exit hooks (replacing any earlier init's); returns the function removing them. */
export function installExitFlush(hooks: ExitFlushHooks): () => void {
  uninstallCurrent?.();
  let flushing: Promise<void> | undefined;

  const flushOnce = (): Promise<void> => {
    flushing ??= bounded(hooks).then((timedOut) => {
      const lost = hooks.lost(timedOut);
      if (lost !== undefined) warnOnce('exit-lost', `at exit: ${lost}`);
      if (timedOut) {
        // The export still holds a socket open; waiting for it would break the bound.
        uninstall();
        process.exit();
      }
    });
    return flushing;
  };

  const onBeforeExit = () => {
    if (flushing === undefined) void flushOnce();
  };
  const onSignal = (signal: Signal) => {
    if (flushing !== undefined) {
      // A second Ctrl-C while flushing: stop waiting.
      uninstall();
      process.kill(process.pid, signal);
      return;
    }
    void flushOnce().then(() => {
      const othersListen = process.listenerCount(signal) > 1;
      uninstall();
      if (!othersListen) process.kill(process.pid, signal);
    });
  };
  const handlers = new Map(SIGNALS.map((s) => [s, () => onSignal(s)] as const));

  process.on('beforeExit', onBeforeExit);
  for (const [signal, handler] of handlers) process.on(signal, handler);
  let installed = true;
  function uninstall(): void {
    if (!installed) return;
    installed = false;
    process.off('beforeExit', onBeforeExit);
    for (const [signal, handler] of handlers) process.off(signal, handler);
    if (uninstallCurrent === uninstall) uninstallCurrent = undefined;
  }
  uninstallCurrent = uninstall;
  return uninstall;
}

/** Resolves true when the flush did not finish within the bound. */
async function bounded(hooks: ExitFlushHooks): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(true), hooks.timeoutMillis);
  });
  try {
    return await Promise.race([hooks.flush().then(() => false), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
