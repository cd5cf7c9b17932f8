import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { span, spanId, T0_NS, traceId } from '../contract/fixtures.js';
import { openDuckDbStorage } from './index.js';
import { StoredClaimKeys } from './stored-claim-keys.js';

const MS = 1_000_000n;
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('stored claim keys', () => {
  it('answers "certainly absent" only for trace keys never added', () => {
    const keys = new StoredClaimKeys(10);
    keys.add(42n, 1_000n * MS);
    // The same low 52 bits: a collision answers "maybe stored", which only costs a look-up.
    keys.add((1n << 60n) | 7n, 1_000n * MS);
    expect(keys.certainlyAbsent(42n)).toBe(false);
    expect(keys.certainlyAbsent(7n)).toBe(false);
    expect(keys.certainlyAbsent(43n)).toBe(true);
  });

  it('forgets a key only once every claim with it is past the cutoff', () => {
    const keys = new StoredClaimKeys(10);
    // Claims are stored in time order (each batch's claims at the batch's time).
    keys.add(42n, 1_000n * MS);
    keys.add(9n, 2_000n * MS);
    keys.add(42n, 5_000n * MS);
    keys.forgetBefore(3_000n * MS);
    expect(keys.certainlyAbsent(9n)).toBe(true);
    expect(keys.certainlyAbsent(42n)).toBe(false);
    keys.forgetBefore(6_000n * MS);
    expect(keys.certainlyAbsent(42n)).toBe(true);
  });

  it('past its capacity answers "maybe stored" for every key until reloaded', () => {
    const keys = new StoredClaimKeys(2);
    keys.add(1n, 1n);
    keys.add(2n, 2n);
    keys.add(3n, 3n);
    expect(keys.needsReload).toBe(true);
    expect(keys.certainlyAbsent(99n)).toBe(false);
  });

  it('agrees with a plain count of the claims not yet forgotten, through growth and deletions', () => {
    // Keys that share their low bits probe into each other's runs; deletions shift them back.
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const space = Array.from({ length: 300 }, (_, i) => BigInt(i % 3 === 0 ? i * 4096 : i * 7919));
    const keys = new StoredClaimKeys(5_000);
    const stored: Array<{ key: bigint; ms: bigint }> = [];
    let forgotten = 0;
    let now = 1_000_000n;
    for (let step = 0; step < 4_000; step++) {
      now += BigInt(Math.floor(random() * 400));
      if (random() < 0.8) {
        const key = space[Math.floor(random() * space.length)]!;
        keys.add(key, now * MS);
        stored.push({ key, ms: now });
      } else {
        const cutoff = now - BigInt(Math.floor(random() * 20_000));
        keys.forgetBefore(cutoff * MS);
        // What may be forgotten: claims whole seconds before the cutoff's second.
        while (forgotten < stored.length && (stored[forgotten]!.ms + 999n) / 1000n < cutoff / 1000n)
          forgotten++;
      }
      if (step % 50 !== 0) continue;
      const live = new Set(stored.slice(forgotten).map((c) => c.key));
      for (const key of space) expect(keys.certainlyAbsent(key)).toBe(!live.has(key));
      expect(keys.size).toBe(stored.length - forgotten);
    }
  });

  it('after a restart, children are decided by the claims stored before it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tenantry-claim-keys-'));
    dirs.push(dataDir);
    const trace = traceId(7);
    let storage = await openDuckDbStorage({ dataDir });
    await storage.migrate();
    await storage.write({
      spans: [],
      logs: [],
      metrics: [],
      traceClaims: [{ traceId: trace, tenantId: 'zulu', fromRoot: true }],
    });
    await storage.close();
    storage = await openDuckDbStorage({ dataDir });
    await storage.migrate();
    const child = span({
      tenantId: '',
      traceId: trace,
      spanId: spanId(1),
      startTimeUnixNano: T0_NS,
    });
    // A smaller tenant id claims the trace after the restart: the stored root claim still decides.
    const result = await storage.write({
      spans: [],
      logs: [],
      metrics: [],
      pendingSpans: [child],
      traceClaims: [{ traceId: trace, tenantId: 'aaa', fromRoot: false }],
    });
    expect(result).toMatchObject({ spansWritten: 1, spansParked: 0 });
    const rows = await storage.db.query('SELECT tenant_id FROM spans');
    expect(rows.map((r) => r.tenant_id)).toEqual(['zulu']);
    await storage.close();
  });
});
