import { big, num, strOrNull } from './columns.js';
import { WHY_FIELDS, type WhyFacetRow, type WhyField } from './read-types.js';

/** Shared by both engines' read-why.ts: the facet fields in SQL order and the row conversion. */
export const WHY_FIELD_LIST: readonly WhyField[] = WHY_FIELDS;

/** How long after its start a run's children are looked for (as listRuns does). */
export const MAX_RUN_NS = 3_600_000_000_000n;

const FIELDS = new Set<string>(WHY_FIELDS);

export function whyFacetFromColumns(r: Record<string, unknown>): WhyFacetRow {
  const field = String(r.field);
  if (!FIELDS.has(field)) throw new Error(`unknown why field from storage: ${field}`);
  return {
    field: field as WhyField,
    value: String(r.value),
    failed: num(r.a_failed),
    passed: num(r.a_passed),
    firstSeenNs: big(r.a_first_ns),
    lastSeenNs: big(r.a_last_ns),
    failedTraceId: strOrNull(r.a_failed_trace),
    passedTraceId: strOrNull(r.a_passed_trace),
  };
}
