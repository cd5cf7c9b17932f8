/**
 * The builds of the demo's worker service and how a deploy is marked. Tenant B runs in its own
 * cell: the regression reaches it first (2.14.0 stops invalidating the account cache), the fix
 * follows during live traffic (2.14.1). Every other tenant stays on the stable build.
 */
import { callApi } from '../api-client.js';

export const INCIDENT_TENANT = 'tenant-b';

export interface DeployStep {
  version: string;
  breaksCacheInvalidation: boolean;
  /** What the change was, as the deploy's event title says it. */
  note: string;
}

export const WORKER_BUILDS = {
  stable: { version: '2.13.4', breaksCacheInvalidation: false, note: 'the fleet' },
  regression: {
    version: '2.14.0',
    breaksCacheInvalidation: true,
    note: 'account cache: writes go through a new path',
  },
  fix: {
    version: '2.14.1',
    breaksCacheInvalidation: false,
    note: 'account cache: invalidation restored',
  },
} as const satisfies Record<string, DeployStep>;

/** POST /api/v1/events: a deploy of tenant B's cell, at its event time. */
export async function postChangeEvent(
  endpoint: string,
  key: string,
  step: DeployStep,
  atMs: number,
): Promise<void> {
  await callApi({ url: endpoint, key }, 'POST', '/api/v1/events', {
    kind: 'deploy',
    title: `demo-worker ${step.version}: ${step.note}`,
    tenantId: INCIDENT_TENANT,
    serviceName: 'demo-worker',
    version: step.version,
    environment: 'demo',
    time: Math.round(atMs),
  });
}
