import { afterAll, beforeAll, describe, it } from 'vitest';
import { T0_NS } from '../contract/fixtures.js';
import {
  everyTraceBothWays,
  linkedDataset,
  readsLinksAhead,
} from '../contract/read-trace.test-helper.js';
import { openDuckDbStorage } from './index.js';

const DAY_NS = 86_400_000_000_000n;
type Storage = Awaited<ReturnType<typeof openDuckDbStorage>>;

/** A sweep as the compaction job runs it: the dataset's days closed, so the trace index covers them. */
const index = (s: Storage) =>
  s.compactClosedWindows({
    windowNs: DAY_NS,
    closedBeforeNs: (T0_NS / DAY_NS + 2n) * DAY_NS,
    maxRowsPerTransaction: 200_000,
    lateRowsFraction: 0.05,
  });

describe('DuckDB readTrace', () => {
  let s: Storage;
  beforeAll(async () => {
    s = await openDuckDbStorage({ dataDir: ':memory:' });
    await s.migrate();
    await s.write(linkedDataset());
  });
  afterAll(() => s.db.close());

  it('answers as the reads one by one, before and after the trace index covers the traces', async () => {
    await everyTraceBothWays(s);
    await index(s);
    await everyTraceBothWays(s);
  });

  readsLinksAhead(() => s);
});
