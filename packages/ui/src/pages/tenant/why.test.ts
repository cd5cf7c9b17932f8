import { describe, expect, it } from 'vitest';
import { FIELD_LABEL, sideText } from './why.js';

describe('why panel text', () => {
  it('shows runs and their share of the side, rounded', () => {
    expect(sideText({ runs: 13, share: 1 })).toBe('13 (100%)');
    expect(sideText({ runs: 1, share: 1 / 3 })).toBe('1 (33%)');
  });
  it('names the failing tool and the version plainly', () => {
    expect(FIELD_LABEL['failed.tool']).toBe('Failed tool');
    expect(FIELD_LABEL['service.version']).toBe('Version');
  });
});
