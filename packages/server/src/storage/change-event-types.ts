/** Change events: deploy / config-change markers (POST /api/v1/events, events/). */

/**
 * - deploy: new code, or a new model or prompt release, of a service;
 * - config_change: settings changed without a deploy (limits, prompts, routing);
 * - feature_flag: a flag turned on or off, for some tenants or all;
 * - incident: something outside the tenant's own code, e.g. an LLM provider's outage.
 * The four things asked about first when a tenant starts failing; anything else is a config_change.
 */
export type ChangeEventKind = 'deploy' | 'config_change' | 'feature_flag' | 'incident';

/** Scalar attributes only: a marker carries a few labels (a commit, a flag name), not a document. */
export type ChangeEventAttributes = Record<string, string | number | boolean>;

export interface ChangeEventRecord {
  id: string;
  /** The tenant it happened to; null for a platform-wide event, which applies to every tenant. */
  tenantId: string | null;
  kind: ChangeEventKind;
  title: string;
  serviceName: string | null;
  version: string | null;
  environment: string | null;
  attributes: ChangeEventAttributes;
  timeUnixNano: bigint;
}

/** Change events live with the telemetry: erased with their tenant, kept as long as its data. */
export interface ChangeEventStore {
  /**
   * Stores the event unless its tenant (or the platform) already has one with the same id, which
   * makes a retried POST with a client-chosen id harmless. Returns what is stored under that id
   * (the earlier event when there was one) and whether this call created it.
   */
  insertChangeEvent(
    event: ChangeEventRecord,
  ): Promise<{ event: ChangeEventRecord; created: boolean }>;
  /**
   * The tenant's events and the platform-wide ones with `fromNs <= time < toNs`, newest first, at
   * most `limit`. Never another tenant's.
   */
  listChangeEvents(
    tenantId: string,
    query: { fromNs: bigint; toNs: bigint; limit: number },
  ): Promise<ChangeEventRecord[]>;
  /** Retention of the platform-wide events (a tenant's go with `deleteOlderThan`); how many went. */
  deletePlatformEventsOlderThan(cutoffUnixNano: bigint): Promise<number>;
}
