import type { TimeRange } from '../query/contract.js';
import type { ChangeEventKind } from '../storage/types.js';

export type { ChangeEventKind };

/**
 * POST /api/v1/events and GET /api/v1/tenants/:tenant/events — deploy and config-change markers
 * (re-exported by query/contract.ts; additive-only like the rest of the contract).
 */

/** POST /api/v1/events body. */
export interface CreateChangeEventRequest {
  kind: ChangeEventKind;
  /** 1-200 characters; redacted like every other free text. */
  title: string;
  /**
   * The tenant it happened to. A bound ingest key writes for its own tenant (omit it or name it);
   * an admin key names any tenant, or omits it for a platform-wide event shown to every tenant.
   */
  tenantId?: string | null;
  serviceName?: string;
  version?: string;
  environment?: string;
  /** At most 20 string / number / boolean values (a commit, a flag name); strings redacted. */
  attributes?: Record<string, string | number | boolean>;
  /** ISO 8601 or epoch milliseconds; default: when the server receives it. */
  time?: string | number;
}

export interface ChangeEventView {
  id: string;
  /** null: platform-wide. */
  tenantId: string | null;
  kind: ChangeEventKind;
  title: string;
  serviceName: string | null;
  version: string | null;
  environment: string | null;
  attributes: Record<string, string | number | boolean>;
  time: string;
  timeUnixNano: string;
}

/** POST /api/v1/events answers 201 with the stored event. */
export interface CreateChangeEventResponse {
  event: ChangeEventView;
}

/** GET /api/v1/tenants/:tenant/events: the tenant's and the platform-wide events, newest first. */
export interface ChangeEventsResponse {
  tenantId: string;
  range: TimeRange;
  items: ChangeEventView[];
}
