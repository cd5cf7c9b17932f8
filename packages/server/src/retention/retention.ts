import type { Clock } from '../clock.js';
import { PeriodicJob } from '../jobs/periodic-job.js';
import type { ChangeEventStore, DeleteCounts, LifecycleStore } from '../storage/types.js';

export interface RetentionSettings {
  defaultDays: number;
  tenants: Record<string, number>;
  intervalMinutes: number;
}

export interface RetentionReport {
  tenants: number;
  deleted: DeleteCounts;
}

/**
 * Deletes each tenant's data older than its retention (days, per tenant, default for the rest).
 * Runs on the injectable clock, so tests move time instead of waiting for it.
 */
export class RetentionJob {
  private readonly job: PeriodicJob<RetentionReport>;

  constructor(
    private readonly store: LifecycleStore &
      Pick<ChangeEventStore, 'deletePlatformEventsOlderThan'>,
    private readonly settings: RetentionSettings,
    private readonly clock: Clock,
    onError: (err: unknown) => void = () => {},
  ) {
    this.job = new PeriodicJob(() => this.sweep(), settings.intervalMinutes * 60_000, onError);
  }

  daysFor(tenantId: string): number {
    return this.settings.tenants[tenantId] ?? this.settings.defaultDays;
  }

  /** One sweep over every tenant; concurrent calls share the sweep in progress. */
  runOnce(): Promise<RetentionReport> {
    return this.job.runOnce();
  }

  start(): void {
    this.job.start();
  }

  stop(): Promise<void> {
    return this.job.stop();
  }

  private async sweep(): Promise<RetentionReport> {
    const tenants = await this.store.listTenantIds();
    const deleted: DeleteCounts = {
      spans: 0,
      logs: 0,
      metrics: 0,
      alertEvents: 0,
      scores: 0,
      events: 0,
    };
    for (const tenantId of tenants) {
      const cutoffMs = this.clock.now() - this.daysFor(tenantId) * 86_400_000;
      const d = await this.store.deleteOlderThan(
        tenantId,
        BigInt(Math.floor(cutoffMs)) * 1_000_000n,
      );
      deleted.spans += d.spans;
      deleted.logs += d.logs;
      deleted.metrics += d.metrics;
      deleted.alertEvents += d.alertEvents;
      deleted.scores += d.scores;
      deleted.events += d.events;
    }
    // Platform-wide change events belong to no tenant: they are kept as long as the default.
    const platformCutoffMs = this.clock.now() - this.settings.defaultDays * 86_400_000;
    deleted.events += await this.store.deletePlatformEventsOlderThan(
      BigInt(Math.floor(platformCutoffMs)) * 1_000_000n,
    );
    return { tenants: tenants.length, deleted };
  }
}
