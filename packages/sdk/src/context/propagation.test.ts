import { afterEach, describe, expect, it } from 'vitest';
import { resetWarnings, setWarnSink } from '../diag/warn.js';
import { initInMemory, type MemorySetup } from '../testing/memory-setup.js';
import { agentRun } from '../trace/agent.js';
import { extract, inject, TENANT_CARRIER_KEY } from './propagation.js';
import { currentTenant } from './tenant.js';

let setup: MemorySetup | undefined;
afterEach(async () => {
  setWarnSink(undefined);
  await setup?.handle.shutdown();
  setup = undefined;
});

describe('inject/extract', () => {
  it('writes no tenant outside a run', () => {
    setup = initInMemory();
    expect(inject({})).toEqual({});
  });

  it('keeps tenant ids with header-unsafe characters intact', () => {
    setup = initInMemory();
    const tenantId = 'ACME Corp/ü:1,2';
    const carrier = agentRun({ tenantId, agentId: 'a' }, () => inject<Record<string, string>>({}));
    expect(String(carrier[TENANT_CARRIER_KEY])).toMatch(/^[\x21-\x7e]+$/);
    expect(extract(carrier, () => currentTenant())).toBe(tenantId);
  });

  it('ignores an invalid tenant entry with one warning instead of throwing', () => {
    setup = initInMemory();
    const warnings: string[] = [];
    resetWarnings();
    setWarnSink((m) => warnings.push(m));
    const long = encodeURIComponent('x'.repeat(500));
    expect(extract({ [TENANT_CARRIER_KEY]: long }, () => currentTenant())).toBeUndefined();
    expect(extract({ [TENANT_CARRIER_KEY]: '%E0%A4%A' }, () => currentTenant())).toBeUndefined();
    expect(warnings).toHaveLength(1);
  });

  it('reads Node-style header arrays and upper-case names', () => {
    setup = initInMemory();
    const carrier = { 'Tenantry-Tenant': ['t-arr', 't-other'] };
    expect(extract(carrier, () => currentTenant())).toBe('t-arr');
  });
});
