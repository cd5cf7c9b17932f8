import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Storage } from '../open.js';
import type { ChangeEventRecord } from '../types.js';
import { MS, T0_NS } from './fixtures.js';

const event = (p: Partial<ChangeEventRecord> & { id: string }): ChangeEventRecord => ({
  tenantId: 'alpha',
  kind: 'deploy',
  title: 'support-platform 1.8.0',
  serviceName: 'support-platform',
  version: '1.8.0',
  environment: 'prod',
  attributes: {},
  timeUnixNano: T0_NS,
  ...p,
});

const RANGE = { fromNs: T0_NS, toNs: T0_NS + 60_000n * MS, limit: 100 };

/** Deploy / config-change markers (POST /api/v1/events): tenant rules, retention and erasure. */
export function changeEventContract(name: string, open: () => Promise<Storage>): void {
  describe(`${name}: change events`, () => {
    let s: Storage;
    beforeEach(async () => {
      s = await open();
    });
    afterEach(() => s?.close());

    const ids = (events: ChangeEventRecord[]) => events.map((e) => e.id);

    it("lists a tenant's events and the platform-wide ones, newest first, never another tenant's", async () => {
      const alpha = event({
        id: 'e1',
        title: "o'brien's \\ deploy ? 1.8.0",
        attributes: { commit: 'abc123', canary: true, replicas: 3 },
        timeUnixNano: T0_NS + 1000n * MS,
      });
      const platform = event({
        id: 'e2',
        tenantId: null,
        kind: 'incident',
        title: 'LLM provider degraded',
        serviceName: null,
        version: null,
        environment: null,
        timeUnixNano: T0_NS + 2000n * MS,
      });
      await s.insertChangeEvent(alpha);
      await s.insertChangeEvent(platform);
      await s.insertChangeEvent(event({ id: 'e3', tenantId: 'beta', timeUnixNano: T0_NS + MS }));
      expect(await s.listChangeEvents('alpha', RANGE)).toEqual([platform, alpha]);
      expect(ids(await s.listChangeEvents('beta', RANGE))).toEqual(['e2', 'e3']);
      expect(ids(await s.listChangeEvents('nobody', RANGE))).toEqual(['e2']);
      // The range is [from, to); the limit keeps the newest.
      expect(
        ids(await s.listChangeEvents('alpha', { ...RANGE, toNs: T0_NS + 2000n * MS })),
      ).toEqual(['e1']);
      expect(ids(await s.listChangeEvents('alpha', { ...RANGE, limit: 1 }))).toEqual(['e2']);
    });

    it('stores one event per id within a tenant: a second insert returns the first', async () => {
      const first = event({ id: 'deploy-42', timeUnixNano: T0_NS + 1000n * MS });
      expect(await s.insertChangeEvent(first)).toEqual({ event: first, created: true });
      const retry = event({ id: 'deploy-42', title: 'changed', timeUnixNano: T0_NS + 3000n * MS });
      expect(await s.insertChangeEvent(retry)).toEqual({ event: first, created: false });
      // The same id is another event in another tenant, and on the platform.
      const beta = event({ id: 'deploy-42', tenantId: 'beta' });
      expect((await s.insertChangeEvent(beta)).created).toBe(true);
      const platform = event({ id: 'deploy-42', tenantId: null, timeUnixNano: T0_NS + 2000n * MS });
      expect((await s.insertChangeEvent(platform)).created).toBe(true);
      expect(await s.listChangeEvents('alpha', RANGE)).toEqual([platform, first]);
      expect(await s.listChangeEvents('beta', RANGE)).toEqual([platform, beta]);
    });

    it('goes with its tenant: retention and erasure count events, platform ones stay', async () => {
      await s.insertChangeEvent(event({ id: 'old', timeUnixNano: T0_NS }));
      await s.insertChangeEvent(event({ id: 'new', timeUnixNano: T0_NS + 5000n * MS }));
      await s.insertChangeEvent(event({ id: 'p-old', tenantId: null, timeUnixNano: T0_NS }));
      await s.insertChangeEvent(
        event({ id: 'p-new', tenantId: null, timeUnixNano: T0_NS + 5000n * MS }),
      );
      await s.insertChangeEvent(event({ id: 'b', tenantId: 'beta' }));
      const cutoff = T0_NS + 1000n * MS;
      expect(await s.deleteOlderThan('alpha', cutoff)).toMatchObject({ events: 1 });
      expect(ids(await s.listChangeEvents('alpha', RANGE))).toEqual(['new', 'p-new', 'p-old']);
      expect(await s.deletePlatformEventsOlderThan(cutoff)).toBe(1);
      expect(await s.deletePlatformEventsOlderThan(cutoff)).toBe(0);
      expect(await s.deleteTenant('alpha')).toMatchObject({ events: 1 });
      expect(ids(await s.listChangeEvents('alpha', RANGE))).toEqual(['p-new']);
      expect(ids(await s.listChangeEvents('beta', RANGE))).toEqual(['p-new', 'b']);
      expect(await s.deleteUser('beta', 'u1')).toMatchObject({ events: 0 });
    });
  });
}
