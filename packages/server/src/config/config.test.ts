import { describe, expect, it } from 'vitest';
import { InvalidConfigError, parseConfig } from './config.js';

describe('ingest configuration', () => {
  it('defaults to tenant.id then tenant_id and a window of at least ten minutes', () => {
    const { ingest } = parseConfig({});
    expect(ingest.tenantAttributes).toEqual(['tenant.id', 'tenant_id']);
    expect(ingest.traceTenantWindowSeconds).toBeGreaterThanOrEqual(600);
  });

  it('keeps the tenant attributes a user names, in their order', () => {
    const names = ['traceloop.association.properties.tenant_id', 'metadata.tenant_id', 'org_id'];
    expect(parseConfig({ ingest: { tenantAttributes: names } }).ingest.tenantAttributes).toEqual(
      names,
    );
  });

  it.each([
    [[], 'ingest.tenantAttributes: name at least one attribute'],
    [['org_id', 'org_id'], 'ingest.tenantAttributes: attribute names must not repeat'],
    [['org id'], 'ingest.tenantAttributes.0: an attribute name has no spaces'],
    [[''], 'ingest.tenantAttributes.0: an attribute name must not be empty'],
    ['org_id', 'ingest.tenantAttributes'],
  ])('refuses tenantAttributes %j with a message naming the field', (value, message) => {
    const parse = () => parseConfig({ ingest: { tenantAttributes: value } });
    expect(parse).toThrow(InvalidConfigError);
    expect(parse).toThrow(message);
  });

  it('refuses an unknown ingest setting', () => {
    expect(() => parseConfig({ ingest: { tenantAttribute: ['x'] } })).toThrow(
      /ingest: Unrecognized key/,
    );
  });
});
