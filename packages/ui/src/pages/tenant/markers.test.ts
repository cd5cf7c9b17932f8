import { describe, expect, it } from 'vitest';
import type { ChangeEventView, WhyChange } from '../../api/types.js';
import { chartMarkers } from './markers.js';

const event = (p: Partial<ChangeEventView>): ChangeEventView => ({
  id: 'evt_1',
  tenantId: 'tenant-b',
  kind: 'deploy',
  title: 'support-platform 1.8.0',
  serviceName: 'support-platform',
  version: '1.8.0',
  environment: null,
  attributes: {},
  time: '2026-01-01T14:00:00.000Z',
  timeUnixNano: '0',
  ...p,
});

const change = (p: Partial<WhyChange>): WhyChange => ({
  field: 'service.version',
  value: '1.8.0',
  serviceName: 'support-platform',
  firstSeen: '2026-01-01T14:01:00.000Z',
  failureRateBefore: 0,
  failureRateAfter: 0.6,
  ...p,
});

describe('tenant chart markers', () => {
  it('marks events and the first run of each new version, in time order', () => {
    const markers = chartMarkers(
      [
        event({}),
        event({
          id: 'evt_2',
          tenantId: null,
          kind: 'incident',
          title: 'provider outage',
          serviceName: null,
          version: null,
          time: '2026-01-01T13:00:00.000Z',
        }),
      ],
      [
        change({}),
        change({ field: 'deployment.environment.name', value: 'prod' }),
        change({ field: 'event', value: 'support-platform 1.8.0' }),
      ],
    );
    expect(markers.map((m) => [m.kind, m.label])).toEqual([
      ['event', 'provider outage'],
      ['event', 'support-platform 1.8.0'],
      ['version', 'support-platform 1.8.0'],
    ]);
    expect(markers[0]?.description).toMatch(/^Incident at .+, all tenants: provider outage$/);
    expect(markers[1]?.description).toMatch(
      /^Deploy at .+: support-platform 1\.8\.0 \(support-platform 1\.8\.0\)$/,
    );
    expect(markers[2]?.description).toMatch(/^First run of support-platform 1\.8\.0 at /);
    expect(markers[2]?.at).toBe(Date.parse('2026-01-01T14:01:00.000Z'));
  });
});
