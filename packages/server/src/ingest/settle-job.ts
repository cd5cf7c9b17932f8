import { PeriodicJob } from '../jobs/periodic-job.js';
import type { SettleReport, TraceTenantStore } from '../storage/types.js';
import type { ServerMetrics } from '../telemetry/registry.js';

export interface TraceTenantSettings {
  /** How long a span that states no tenant waits for its trace's tenant before it is `_unassigned`. */
  windowSeconds: number;
  /** How often parked spans are settled (adopted on ClickHouse, expired on both engines). */
  settleIntervalSeconds: number;
}

export const DEFAULT_TRACE_TENANT_SETTINGS: TraceTenantSettings = {
  windowSeconds: 600,
  settleIntervalSeconds: 5,
};

const NS_PER_MS = 1_000_000n;

/**
 * The periodic settle of parked spans (TraceTenantStore): adopts those whose trace's claim has
 * arrived since (on ClickHouse a claim and its parked spans may meet on different servers), turns
 * those older than the window into `_unassigned`, and forgets claims no child can still need. It
 * runs on the wall clock, as parking does.
 */
export class TraceTenantSettleJob {
  private readonly job: PeriodicJob<SettleReport>;

  constructor(
    private readonly store: TraceTenantStore,
    private readonly settings: TraceTenantSettings,
    private readonly metrics: ServerMetrics | null,
    onError: (err: unknown) => void = () => {},
  ) {
    this.job = new PeriodicJob(() => this.sweep(), settings.settleIntervalSeconds * 1000, onError);
  }

  runOnce(): Promise<SettleReport> {
    return this.job.runOnce();
  }

  start(): void {
    this.job.start();
  }

  stop(): Promise<void> {
    return this.job.stop();
  }

  private async sweep(): Promise<SettleReport> {
    const nowNs = BigInt(Date.now()) * NS_PER_MS;
    const windowNs = BigInt(Math.round(this.settings.windowSeconds * 1000)) * NS_PER_MS;
    const report = await this.store.settleParkedSpans({
      nowNs,
      expireBeforeNs: nowNs - windowNs,
      // A claim serves children exported after their root (another process's spans, async work)
      // for one window too; kept longer, claims would be most of what the hold stores.
      forgetClaimsBeforeNs: nowNs - windowNs,
    });
    if (report.adopted > 0) this.metrics?.parkedSettled.inc({ outcome: 'adopted' }, report.adopted);
    if (report.expired > 0) this.metrics?.parkedSettled.inc({ outcome: 'expired' }, report.expired);
    return report;
  }
}
