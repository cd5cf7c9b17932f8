import type { EntityType } from '../types.js';

/** One finding in a string: [start, end) in UTF-16 units. */
export interface Match {
  start: number;
  end: number;
  type: EntityType;
}
