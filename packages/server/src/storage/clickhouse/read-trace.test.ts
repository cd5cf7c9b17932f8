import { afterAll, beforeAll, it } from 'vitest';
import { describeOnClickHouse } from '../../../../../test/helpers/chdb.js';
import {
  everyTraceBothWays,
  linkedDataset,
  readsLinksAhead,
} from '../contract/read-trace.test-helper.js';
import { openClickHouseStorage } from './index.js';

describeOnClickHouse('ClickHouse readTrace', (target) => {
  let s: Awaited<ReturnType<typeof openClickHouseStorage>>;
  beforeAll(async () => {
    s = await openClickHouseStorage(target().options('read_trace'));
    await s.migrate();
    await s.write(linkedDataset());
  });
  afterAll(async () => {
    await s?.close();
  });

  it('answers as the reads one by one', () => everyTraceBothWays(s));

  readsLinksAhead(() => s);
});
