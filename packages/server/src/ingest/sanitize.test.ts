import { describe, expect, it } from 'vitest';
import { limitAttributes, TRUNCATION_MARKER } from './sanitize.js';

describe('limitAttributes', () => {
  it('passes attributes within the limits through untouched, without copying them', () => {
    const attrs = { a: 'x', b: 1, c: ['y'] };
    const limited = limitAttributes(attrs, 3, 10);
    expect(limited).toEqual({ attributes: attrs, dropped: 0, truncated: 0 });
    expect(limited.attributes).toBe(attrs);
  });

  it('cuts long values and drops attributes past the count, keeping order and the input intact', () => {
    const attrs = { a: 'short', b: 'x'.repeat(20), c: ['y'.repeat(20)], d: true, e: 5 };
    const limited = limitAttributes(attrs, 4, 10);
    expect(limited.attributes).toEqual({
      a: 'short',
      b: `${'x'.repeat(10)}${TRUNCATION_MARKER}`,
      c: `["yyyyyyyy${TRUNCATION_MARKER}`,
      d: true,
    });
    expect(Object.keys(limited.attributes)).toEqual(['a', 'b', 'c', 'd']);
    expect(limited).toMatchObject({ dropped: 1, truncated: 2 });
    expect(attrs.b).toHaveLength(20);
  });

  it('drops past the count even when no value is too long', () => {
    expect(limitAttributes({ a: 1, b: 2, c: 3 }, 2, 10)).toEqual({
      attributes: { a: 1, b: 2 },
      dropped: 1,
      truncated: 0,
    });
  });
});
