/** Where a write can fail: the ingest journal's disk, or the storage commit behind it. */
export type WritePart = 'journal' | 'storage';

/**
 * Whether writes are failing now, and why: `/readyz` fails while they are, so a load balancer sends
 * telemetry elsewhere instead of to a server that can only answer 503.
 */
export class WriteHealth {
  private readonly causes = new Map<WritePart, string>();

  fail(part: WritePart, err: Error): void {
    this.causes.set(part, `${part}: ${err.message}`);
  }

  ok(part: WritePart): void {
    this.causes.delete(part);
  }

  /** The current failure, or null while writes succeed. */
  get failing(): string | null {
    for (const cause of this.causes.values()) return cause;
    return null;
  }

  isFailing(part: WritePart): boolean {
    return this.causes.has(part);
  }
}
