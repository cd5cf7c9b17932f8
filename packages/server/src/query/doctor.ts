import type { DoctorCounts } from '../storage/read-types.js';
import type { DoctorResponse } from './contract.js';
import { isoRange, type ResolvedRange } from './params.js';

/** The doctor's findings, loudest first, each with what usually causes it and the fix. */
export function doctorResponse(
  d: DoctorCounts,
  tenant: string | null,
  range: ResolvedRange,
): DoctorResponse {
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
    ],
  };
}
