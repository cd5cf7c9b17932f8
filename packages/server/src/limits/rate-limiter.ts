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
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    if (n <= this.tokens) {
      this.tokens -= n;
      return { ok: true };
    }
    const missing = Math.min(n, this.burst) - this.tokens;
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(missing / this.rate)) };
  }
}
