import { describe, expect, it } from 'vitest';
import { ALL_TENANTS, bind, lit, Where } from './sql.js';

describe('ClickHouse SQL builder', () => {
  it('puts the tenant predicate first for a tenant-bound scope, whatever is added after', () => {
    const w = new Where({ tenantId: 'acme' }).add('trace_id = ?', 'abc').add('start_ns >= ?', 5n);
    expect(w.sql).toBe("WHERE tenant_id = 'acme' AND trace_id = 'abc' AND start_ns >= 5");
    expect(new Where({ tenantId: 'acme' }, 's.tenant_id').sql).toBe("WHERE s.tenant_id = 'acme'");
  });

  it('adds no tenant predicate only for an explicitly unscoped caller', () => {
    expect(new Where(ALL_TENANTS).add('is_run = 1').sql).toBe('WHERE is_run = 1');
    expect(new Where(ALL_TENANTS).sql).toBe('');
  });

  it('renders hostile strings as inert literals', () => {
    expect(lit("x' OR '1'='1")).toBe("'x\\' OR \\'1\\'=\\'1'");
    expect(lit('a\\')).toBe("'a\\\\'");
    expect(lit('nul\0byte')).toBe("'nul\\0byte'");
    const w = new Where({ tenantId: "qa' OR '1'='1" });
    expect(w.sql).toBe("WHERE tenant_id = 'qa\\' OR \\'1\\'=\\'1'");
  });

  it('binds placeholders outside literals only, and counts them', () => {
    expect(bind("name = ? AND body = 'why?'", ['x'])).toBe("name = 'x' AND body = 'why?'");
    expect(bind(`a IN (${lit('q?')}) AND b = ?`, [1])).toBe("a IN ('q?') AND b = 1");
    expect(() => bind('a = ? AND b = ?', [1])).toThrow(/too few/);
    expect(() => bind('a = ?', [1, 2])).toThrow(/too many/);
  });

  it('refuses non-finite numbers instead of writing nan into SQL', () => {
    expect(() => lit(Number.NaN)).toThrow(RangeError);
    expect(lit(true)).toBe('1');
    expect(lit(null)).toBe('NULL');
    expect(lit(-12345678901234567890n)).toBe('-12345678901234567890');
  });
});
