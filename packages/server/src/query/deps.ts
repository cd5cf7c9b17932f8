import type { Clock } from '../clock.js';
import type { Storage } from '../storage/open.js';
import type { PriceTable } from '../storage/read-types.js';

export interface QueryDeps {
  storage: Storage;
  clock: Clock;
  prices: PriceTable;
  /** Spans younger than this are not judged by the doctor (their parents may still arrive). */
  doctorGraceMs: number;
}
