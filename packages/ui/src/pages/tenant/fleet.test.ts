import { describe, expect, it } from 'vitest';
import { median } from './fleet.js';

describe('fleet median', () => {
  it('is the middle value, or the mean of the two middle values', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('is null for an empty fleet rather than zero', () => {
    expect(median([])).toBeNull();
  });
});
