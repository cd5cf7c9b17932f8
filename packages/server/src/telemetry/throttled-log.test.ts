import { describe, expect, it } from 'vitest';
import { throttledLog } from './throttled-log.js';

describe('throttledLog', () => {
  it('writes a cause once per interval and counts the repeats it held back', () => {
    const lines: string[] = [];
    let t = 0;
    const log = throttledLog(
      (l) => lines.push(l),
      1000,
      () => t,
    );
    for (let i = 0; i < 50; i++) log(new Error(`ENOSPC: no space left, write ${i} bytes`));
    log(new Error('database is locked'));
    t = 1500;
    log(new Error('ENOSPC: no space left, write 7 bytes'));
    expect(lines).toEqual([
      'ENOSPC: no space left, write 0 bytes',
      'database is locked',
      'ENOSPC: no space left, write 7 bytes (and 49 more like it since the last report)',
    ]);
  });
});
