import type { Attributes } from '@opentelemetry/api';
import { warnOnce } from '../diag/warn.js';

export const OVERFLOW_TENANT = '__overflow__';
export const DEFAULT_MAX_TENANTS_PER_METRIC = 2000;

/** Where redirected points are counted (an OTel Counter, or the SDK's own overflow stream). */
export interface OverflowCounter {
  add(value: number, attributes: Attributes): void;
}

/**
 * Caps the distinct `tenant.id` values of one metric: a platform with a runaway tenant count would
 * otherwise grow every backend's series without bound. Past the cap, points are kept under
 * `__overflow__` (never dropped), with one warning and a counter of redirected points.
 */
export class TenantGuard {
  private readonly seen = new Set<string>();

  constructor(
    private readonly metric: string,
    private readonly max: number,
    private readonly overflow: OverflowCounter,
  ) {}

  resolve(tenantId: string): string {
    if (this.seen.has(tenantId)) return tenantId;
    if (this.seen.size < this.max) {
      this.seen.add(tenantId);
      return tenantId;
    }
    this.overflow.add(1, { 'tenantry.metric': this.metric });
    warnOnce(
      `tenant-overflow:${this.metric}`,
      `metric ${this.metric} reached ${this.max} distinct tenants; further tenants are recorded as tenant.id="${OVERFLOW_TENANT}"`,
    );
    return OVERFLOW_TENANT;
  }
}
