import { describe, expect, it } from 'vitest';
import { Counter } from './registry.js';

describe('server metrics registry', () => {
  it('renders labels sorted and escaped, one series whatever order they were given in', () => {
    const c = new Counter('tenantry_test_total', 'A test counter.');
    c.inc({ type: 'a"b\\c\nd', tenant: 't' });
    c.inc({ tenant: 't', type: 'a"b\\c\nd' }, 2);
    c.inc({ tenant: 'plain' });
    c.inc();
    expect(c.get({ type: 'a"b\\c\nd', tenant: 't' })).toBe(3);
    expect(c.render().split('\n')).toEqual([
      '# HELP tenantry_test_total A test counter.',
      '# TYPE tenantry_test_total counter',
      'tenantry_test_total{tenant="t",type="a\\"b\\\\c\\nd"} 3',
      'tenantry_test_total{tenant="plain"} 1',
      'tenantry_test_total 1',
    ]);
  });
});
