import type { ChangeEventKind, ChangeEventRecord } from '../storage/types.js';
import type { WhyChange } from './why-contract.js';

/**
 * Change events (POST /api/v1/events) in the why analysis: each marker inside the range is a
 * change like a new service.version, and the onset can follow it. Read through their own storage
 * method (listChangeEvents), next to the facet counts, never joined into them.
 */

/** Markers of one tenant's range taken into the analysis, newest first. */
export const MAX_WHY_EVENTS = 50;

const KIND_WORD: Record<ChangeEventKind, string> = {
  deploy: 'deploy',
  config_change: 'config change',
  feature_flag: 'feature flag',
  incident: 'incident',
};

/** The parts of a WhyChange an event gives; the failure rates around it are the analysis'. */
export interface ChangeCandidate {
  field: WhyChange['field'];
  value: string;
  serviceName: string | null;
  firstSeenNs: bigint;
  event?: WhyChange['event'];
}

export function eventCandidate(e: ChangeEventRecord, service: string | null): ChangeCandidate {
  return {
    field: 'event',
    value: e.title,
    serviceName: e.serviceName ?? service,
    firstSeenNs: e.timeUnixNano,
    event: { id: e.id, kind: e.kind, tenantId: e.tenantId },
  };
}

/** "deploy support-platform 1.8.0": the kind, then the title the marker was given. */
export function eventLabel(c: Pick<WhyChange, 'value' | 'event'>): string {
  return c.event ? `${KIND_WORD[c.event.kind]} ${c.value}` : c.value;
}
