import { describe, expect, it } from 'vitest';
import { redactionRows } from './redactions.js';

describe('redactionRows', () => {
  it('lists types by count, most first, with labels and shares, skipping zeros', () => {
    const rows = redactionRows({
      tenantId: 'acme',
      since: '2026-01-01T00:00:00.000Z',
      total: 10,
      byType: { EMAIL: 2, PERSON: 6, HEALTH: 2, IBAN: 0, NEW_TYPE: 0 },
    });
    expect(rows.map((r) => [r.type, r.label, r.count, r.share])).toEqual([
      ['PERSON', 'Person names', 6, 0.6],
      ['EMAIL', 'Email addresses', 2, 0.2],
      ['HEALTH', 'Health details', 2, 0.2],
    ]);
  });

  it('labels an unknown type by its name', () => {
    const rows = redactionRows({ tenantId: 'a', since: '', total: 1, byType: { FUTURE: 1 } });
    expect(rows[0]!.label).toBe('FUTURE');
  });
});
