import type { DoctorCounts } from '../storage/read-types.js';
import type { DoctorResponse } from './contract.js';
import { isoRange, type ResolvedRange } from './params.js';

/** The doctor's findings, loudest first, each with what usually causes it and the fix. */
export function doctorResponse(
  d: DoctorCounts,
  tenant: string | null,
  range: ResolvedRange,
  parked: { count: number; oldestParkedNs: bigint } = { count: 0, oldestParkedNs: 0n },
): Omit<DoctorResponse, 'graceMs' | 'settledBefore'> {
  return {
    range: isoRange(range),
    tenantId: tenant,
    findings: [
      {
        kind: 'mixed_tenant_trace',
        severity: 'critical',
        ...d.mixedTenantTraces,
        hint: "Spans of different tenants share a trace: context from one tenant leaked into another tenant's work (a shared client, a global, a pooled worker). Start each run with agentRun({ tenantId }) and pass context with inject/extract.",
      },
      {
        kind: 'orphan_span',
        severity: 'warning',
        ...d.orphanSpans,
        hint: 'A parent span never arrived: context was lost across an async boundary, a queue or an HTTP hop, or the parent service does not export. Use inject(carrier) before the hop and extract(carrier, fn) after it.',
      },
      {
        kind: 'missing_tenant',
        severity: 'warning',
        ...d.missingTenant,
        hint: 'Spans arrived with no tenant.id through a platform key: start work inside agentRun({ tenantId }), or send with a tenant-bound ingest key.',
      },
      {
        kind: 'unfinished_run',
        severity: 'warning',
        ...d.unfinishedRuns,
        hint: 'A run root never ended or was never exported: the process crashed or exited before shutdown()/forceFlush().',
      },
      {
        kind: 'waiting_for_trace_tenant',
        severity: 'warning',
        count: parked.count,
        examples: [],
        hint:
          parked.count === 0
            ? 'Spans that state no tenant wait here, visible to no tenant, until a span of their trace states one (normally the root); after ingest.traceTenantWindowSeconds they are stored as _unassigned.'
            : `The oldest has waited since ${new Date(Number(parked.oldestParkedNs / 1_000_000n)).toISOString()}. They take their trace's tenant when its root (or any span of the trace) arrives with tenant.id; roots that never arrive leave them _unassigned after ingest.traceTenantWindowSeconds.`,
      },
    ],
  };
}
