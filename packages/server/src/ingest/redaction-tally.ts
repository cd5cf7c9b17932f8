/**
 * Redaction counts per tenant and entity type since this server started, for the dashboard's
 * "what was redacted" panel. Counts only: the values never reach here. The same numbers are in
 * /metrics as tenantry_redacted_total{tenant,type}, where Prometheus keeps their history.
 */
export interface TenantRedactions {
  /** Counts by entity type (EMAIL, PERSON, HEALTH...), never values. */
  byType: Record<string, number>;
  total: number;
}

/** Bounds memory whatever tenant ids arrive: further tenants are counted in /metrics only. */
const MAX_TENANTS = 100_000;

export class RedactionTally {
  readonly since = new Date();
  private readonly tenants = new Map<string, TenantRedactions>();

  add(tenantId: string, type: string, n: number): void {
    let t = this.tenants.get(tenantId);
    if (t === undefined) {
      if (this.tenants.size >= MAX_TENANTS) return;
      t = { byType: {}, total: 0 };
      this.tenants.set(tenantId, t);
    }
    t.byType[type] = (t.byType[type] ?? 0) + n;
    t.total += n;
  }

  forTenant(tenantId: string): TenantRedactions {
    const t = this.tenants.get(tenantId);
    return t === undefined ? { byType: {}, total: 0 } : { byType: { ...t.byType }, total: t.total };
  }
}

/** One tally per server (keyed by its metrics object), shared by ingest and the query route. */
const TALLIES = new WeakMap<object, RedactionTally>();

export function redactionTally(server: object): RedactionTally {
  let t = TALLIES.get(server);
  if (t === undefined) {
    t = new RedactionTally();
    TALLIES.set(server, t);
  }
  return t;
}
