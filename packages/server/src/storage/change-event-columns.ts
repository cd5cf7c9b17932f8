import { big, type ColumnRow, strOrNull } from './columns.js';
import type { ChangeEventAttributes, ChangeEventKind, ChangeEventRecord } from './types.js';

/**
 * Shared by both engines' change-events.ts. A platform-wide event is stored under the empty tenant
 * id: no tenant can have it (ids are 1-128 characters), and the tenant column stays a plain,
 * non-null leading sort key on ClickHouse 18.16 as in every other table.
 */
export const PLATFORM_TENANT = '';

/** Column order of the change_events table on both engines. */
export const CHANGE_EVENT_COLUMNS = [
  'tenant_id',
  'id',
  'time_ns',
  'kind',
  'title',
  'service_name',
  'version',
  'environment',
  'attributes',
] as const;

export function changeEventToColumns(e: ChangeEventRecord) {
  return {
    tenant_id: e.tenantId ?? PLATFORM_TENANT,
    id: e.id,
    time_ns: e.timeUnixNano,
    kind: e.kind,
    title: e.title,
    service_name: e.serviceName,
    version: e.version,
    environment: e.environment,
    attributes: JSON.stringify(e.attributes),
  };
}

export function changeEventFromColumns(r: ColumnRow): ChangeEventRecord {
  const tenant = String(r.tenant_id);
  return {
    id: String(r.id),
    tenantId: tenant === PLATFORM_TENANT ? null : tenant,
    kind: String(r.kind) as ChangeEventKind,
    title: String(r.title),
    serviceName: strOrNull(r.service_name),
    version: strOrNull(r.version),
    environment: strOrNull(r.environment),
    attributes: parseScalars(strOrNull(r.attributes)),
    timeUnixNano: big(r.time_ns),
  };
}

/** Only what the route stored (flat scalars); anything else in the column is dropped, not thrown. */
function parseScalars(json: string | null): ChangeEventAttributes {
  const out: ChangeEventAttributes = {};
  if (!json) return out;
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return out;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return out;
  for (const [k, v] of Object.entries(parsed)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = v;
  }
  return out;
}
