/**
 * The gateway's in-process job queue for sub-agents. A job carries its trace context and tenant
 * as an injected carrier, the way a real broker message would; the consumer extracts it, so the
 * sub-agent's span joins the run that enqueued it.
 */
import { type Carrier, extract, inject } from '@tenantry/sdk';

interface Job {
  carrier: Carrier;
  work: () => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

export class SubAgentQueue {
  private readonly jobs: Job[] = [];
  private running = 0;

  constructor(private readonly concurrency = 16) {}

  /** Enqueues `work` with the active context injected; resolves with its result. */
  submit<T>(work: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.jobs.push({
        carrier: inject({}),
        work,
        resolve: resolve as (value: unknown) => void,
        reject,
      });
      this.pump();
    });
  }

  private pump(): void {
    while (this.running < this.concurrency && this.jobs.length > 0) {
      const job = this.jobs.shift() as Job;
      this.running++;
      // The consumer side: nothing of the producer's context survives but what the carrier holds.
      setImmediate(() => {
        // Through a promise so that a synchronous throw fails this job, not the whole process.
        Promise.resolve()
          .then(() => extract(job.carrier, job.work))
          .then(job.resolve, job.reject)
          .finally(() => {
            this.running--;
            this.pump();
          });
      });
    }
  }
}
