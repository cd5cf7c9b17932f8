/** Token bucket per tenant: `rate` tokens per second, up to `burst` tokens saved up. */
export class TokenBucket {
  private tokens: number;
  private last: number;
  constructor(
    private rate: number,
    private burst: number,
    now: number,
  ) {
    this.tokens = burst;
    this.last = now;
  }

  reconfigure(rate: number, burst: number): void {
    this.rate = rate;
    this.burst = burst;
  }

  /** Takes `n` tokens if available; otherwise takes none and returns the seconds until it could. */
  take(n: number, now: number): { ok: true } | { ok: false; retryAfterSeconds: number } {
    this.refill(now);
    if (n <= this.tokens) {
      this.tokens -= n;
      return { ok: true };
    }
    const missing = Math.min(n, this.burst) - this.tokens;
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(missing / this.rate)) };
  }

  /**
   * Deducts `n` tokens whatever the balance, for a cost known only once it is spent (processing
   * time): the bucket may go into debt, and `debtSeconds` then refuses until it is repaid.
   */
  charge(n: number, now: number): void {
    this.refill(now);
    this.tokens -= n;
  }

  /** Seconds until the balance is positive again, at least 1; 0 while it is positive. */
  debtSeconds(now: number): number {
    this.refill(now);
    return this.tokens > 0 ? 0 : Math.max(1, Math.ceil(-this.tokens / this.rate));
  }

  private refill(now: number): void {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
  }
}
