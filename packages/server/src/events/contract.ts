import type { TimeRange } from '../query/contract.js';
import type { ChangeEventKind } from '../storage/types.js';

export type { ChangeEventKind };

/**
 * POST /api/v1/events and GET /api/v1/tenants/:tenant/events — deploy and config-change markers
 * (re-exported by query/contract.ts; additive-only like the rest of the contract).
 */

/** POST /api/v1/events body. */
export interface CreateChangeEventRequest {
  /**
   * The client's id for it (1-128 of letters, digits, `.`, `_`, `:`, `-`; e.g. a deploy id), unique
   * within the tenant (or the platform): a POST with an id already stored answers 200 with the
   * stored event and changes nothing, so a deploy pipeline can retry safely. Default: a new id.
   */
  id?: string;
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

/** POST /api/v1/events answers 201 with the stored event (200 with the earlier one for an id it had). */
export interface CreateChangeEventResponse {
  event: ChangeEventView;
  /** False when the id was already stored: `event` is the earlier one, nothing changed. */
  created: boolean;
}

/** GET /api/v1/tenants/:tenant/events: the tenant's and the platform-wide events, newest first. */
export interface ChangeEventsResponse {
  tenantId: string;
  range: TimeRange;
  items: ChangeEventView[];
}
