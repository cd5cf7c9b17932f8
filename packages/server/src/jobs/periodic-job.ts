/**
 * A background sweep on an interval (retention, compaction): calls made while a sweep runs share
 * it, the timer never keeps the process alive, and stop() ends the sweep in progress at its next
 * check of `signal` before it resolves.
 */
export class PeriodicJob<R> {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<R> | null = null;
  private readonly abort = new AbortController();

  constructor(
    private readonly sweep: (signal: AbortSignal) => Promise<R>,
    private readonly intervalMs: number,
    private readonly onError: (err: unknown) => void,
  ) {}

  runOnce(): Promise<R> {
    if (!this.running) {
      this.running = this.sweep(this.abort.signal).finally(() => {
        this.running = null;
      });
    }
    return this.running;
  }

  /** Sweeps now, then every interval. */
  start(): void {
    if (this.timer) return;
    const tick = () => {
      this.runOnce().catch(this.onError);
    };
    this.timer = setInterval(tick, this.intervalMs);
    this.timer.unref();
    tick();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.abort.abort();
    await this.running?.catch(() => {});
  }
}
