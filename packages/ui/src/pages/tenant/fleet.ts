import type { TenantSummary } from '../../api/types.js';

export interface FleetMetric {
  label: string;
  value: (t: TenantSummary, days: number) => number | null;
  format: (v: number) => string;
  /** Higher is worse: the comparison turns red when this tenant is well above the median. */
  worseWhenHigher: boolean;
}

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The fleet's median of one metric over tenants that have a value for it. */
export function fleetMedian(
  tenants: TenantSummary[],
  metric: FleetMetric,
  days: number,
): number | null {
  const vals: number[] = [];
  for (const t of tenants) {
    const v = metric.value(t, days);
    if (v !== null && Number.isFinite(v)) vals.push(v);
  }
  return median(vals);
}
