import { describe, expect, it } from 'vitest';
import { createRedactor, InvalidPolicyError, parsePolicy } from '../index.js';

const KEY = 'policy-test-key-0123456789';

describe('policy actions', () => {
  it('masks a card keeping only the last 4 characters', () => {
    const r = createRedactor({ hashKey: KEY, actions: { CREDIT_CARD: 'mask' } });
    expect(r.redactString('card 4111 1111 1111 1234 ok'.replace('1234', '1111')).value).toBe(
      'card ****1111 ok',
    );
  });

  it('masks short values completely', () => {
    const r = createRedactor({ hashKey: KEY, actions: { SENSITIVE_KEY: 'mask' } });
    expect(r.redact({ pin: '1234' }).value).toEqual({ pin: '****' });
  });

  it('hashes to a typed 8-hex tag that is stable for equal values', () => {
    const r = createRedactor({ hashKey: KEY, actions: { EMAIL: 'hash' } });
    const a = r.redactString('to a@example.com').value;
    const b = r.redactString('cc a@example.com').value;
    expect(a).toMatch(/^to \[EMAIL:[0-9a-f]{8}\]$/);
    expect(a.slice(3)).toBe(b.slice(3));
  });

  it('hashes card numbers alike whatever their separators', () => {
    const r = createRedactor({ hashKey: KEY, actions: { CREDIT_CARD: 'hash' } });
    expect(r.redactString('4111-1111-1111-1111').value).toBe(
      r.redactString('4111 1111 1111 1111').value,
    );
  });

  it('gives different hashes under different hash keys', () => {
    const a = createRedactor({ hashKey: KEY, defaultAction: 'hash' });
    const b = createRedactor({ hashKey: `${KEY}-other`, defaultAction: 'hash' });
    expect(a.redactString('a@example.com').value).not.toBe(b.redactString('a@example.com').value);
  });

  it('drops a finding from text and a sensitive property from its object', () => {
    const r = createRedactor({ hashKey: KEY, defaultAction: 'drop' });
    expect(r.redactString('mail a@example.com now').value).toBe('mail  now');
    expect(r.redact({ user: 'x', password: 'p' }).value).toEqual({ user: 'x' });
  });

  it('allows a type through but still counts it', () => {
    const r = createRedactor({ hashKey: KEY, actions: { IP_ADDRESS: 'allow' } });
    const res = r.redactString('from 10.0.0.1 as a@example.com');
    expect(res.value).toBe('from 10.0.0.1 as [REDACTED:EMAIL]');
    expect(res.findings).toEqual({ IP_ADDRESS: 1, EMAIL: 1 });
  });

  it('still counts findings when every type is allowed', () => {
    const r = createRedactor({ hashKey: KEY, defaultAction: 'allow' });
    const res = r.redact({ note: 'mail a@example.com', password: 'x' });
    expect(res.value).toEqual({ note: 'mail a@example.com', password: 'x' });
    expect(res.findings).toEqual({ EMAIL: 1 });
  });

  it('treats sensitive keys as ordinary values when SENSITIVE_KEY is allowed', () => {
    const r = createRedactor({ hashKey: KEY, actions: { SENSITIVE_KEY: 'allow' } });
    expect(r.redact({ token: 'plain', secret: 'a@example.com' }).value).toEqual({
      token: 'plain',
      secret: '[REDACTED:EMAIL]',
    });
  });

  it('extends the sensitive key list from the policy', () => {
    const r = createRedactor({ hashKey: KEY, sensitiveKeys: ['customer-notes'] });
    expect(r.redact({ customerNotes: 'likes cats', other: 'x' }).value).toEqual({
      customerNotes: '[REDACTED:SENSITIVE_KEY]',
      other: 'x',
    });
  });

  it('matches keys ending in a sensitive word (db_password, githubToken)', () => {
    const r = createRedactor({ hashKey: KEY });
    expect(r.redact({ db_password: 'a', githubToken: 'b', max_tokens: 5 }).value).toEqual({
      db_password: '[REDACTED:SENSITIVE_KEY]',
      githubToken: '[REDACTED:SENSITIVE_KEY]',
      max_tokens: 5,
    });
  });
});

describe('tenant policies', () => {
  const r = createRedactor({
    hashKey: KEY,
    actions: { EMAIL: 'redact' },
    sensitiveKeys: ['base_only'],
    tenants: { acme: { actions: { EMAIL: 'mask' }, sensitiveKeys: ['acme_ref'] } },
  });

  it('applies the tenant override for its tenant only', () => {
    expect(r.redactString('a.b@example.com', { tenantId: 'acme' }).value).toBe('****.com');
    expect(r.redactString('a.b@example.com', { tenantId: 'globex' }).value).toBe(
      '[REDACTED:EMAIL]',
    );
    expect(r.redactString('a.b@example.com').value).toBe('[REDACTED:EMAIL]');
  });

  it('adds tenant sensitive keys to the base ones', () => {
    const v = { acme_ref: 'x', base_only: 'y' };
    expect(r.redact(v, { tenantId: 'acme' }).value).toEqual({
      acme_ref: '[REDACTED:SENSITIVE_KEY]',
      base_only: '[REDACTED:SENSITIVE_KEY]',
    });
    expect(r.redact(v, { tenantId: 'globex' }).value).toEqual({
      acme_ref: 'x',
      base_only: '[REDACTED:SENSITIVE_KEY]',
    });
  });
});

describe('limits', () => {
  it('truncates long strings with a marker giving the original length', () => {
    const r = createRedactor({ hashKey: KEY, maxStringLength: 100 });
    const out = r.redactString('x'.repeat(250)).value;
    expect(out).toBe(`${'x'.repeat(100)}…[TRUNCATED:250]`);
  });

  it('redacts a secret that straddles the truncation point instead of leaking its head', () => {
    const r = createRedactor({ hashKey: KEY, maxStringLength: 100 });
    const text = `${'y '.repeat(45)}card 4111 1111 1111 1111 and more text after it`;
    expect(r.redactString(text).value).not.toMatch(/4111/);
  });

  it('does not split a surrogate pair when truncating', () => {
    const r = createRedactor({ hashKey: KEY, maxStringLength: 64 });
    const out = r.redactString(`${'a'.repeat(63)}😀${'b'.repeat(10)}`).value;
    expect(out).toBe(`${'a'.repeat(63)}…[TRUNCATED:75]`);
  });

  it('cuts nesting deeper than maxDepth', () => {
    const r = createRedactor({ hashKey: KEY, maxDepth: 3 });
    expect(r.redact({ a: { b: { c: { d: 1 } } } }).value).toEqual({
      a: { b: { c: '[TRUNCATED:DEPTH]' } },
    });
  });

  it('stops visiting after maxNodes values and ends the cut array with one marker', () => {
    const r = createRedactor({ hashKey: KEY, maxNodes: 5 });
    expect(r.redact([1, 2, 3, 4, 5, 6]).value).toEqual([1, 2, 3, 4, '[TRUNCATED:SIZE]']);
    const sparse = new Array(1e9);
    expect(r.redact(sparse).value).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      '[TRUNCATED:SIZE]',
    ]);
  });
});

describe('parsePolicy', () => {
  it('accepts a full policy as loaded from JSON', () => {
    const input = {
      actions: { EMAIL: 'hash', CREDIT_CARD: 'mask' },
      defaultAction: 'redact',
      sensitiveKeys: ['ssn_last4'],
      maxStringLength: 4096,
      maxDepth: 10,
      maxNodes: 1000,
      parseJsonStrings: false,
      hashKey: 'a-secret-of-enough-length',
      tenants: { acme: { actions: { PHONE: 'allow' } } },
    };
    expect(parsePolicy(input)).toEqual(input);
  });

  it.each([
    [{ actions: { EMAL: 'redact' } }, 'policy.actions.EMAL: unknown entity type'],
    [{ actions: { EMAIL: 'erase' } }, 'policy.actions.EMAIL: expected one of redact'],
    [{ maxDepth: 0 }, 'policy.maxDepth: expected an integer from 1 to 1000'],
    [{ sensitiveKeys: 'password' }, 'policy.sensitiveKeys: expected an array'],
    [{ hashKey: 'short' }, 'policy.hashKey: expected a secret of at least 16 characters'],
    [{ action: {} }, 'policy.action: unknown field'],
    [
      { tenants: { acme: { tenants: {} } } },
      'policy.tenants.acme.tenants: tenant policies cannot nest',
    ],
    [[], 'policy: expected an object'],
  ])('rejects %j with a coded error naming the field', (input, message) => {
    let err: unknown;
    try {
      parsePolicy(input);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InvalidPolicyError);
    expect((err as InvalidPolicyError).code).toBe('TENANTRY_E_INVALID_POLICY');
    expect((err as InvalidPolicyError).message).toContain(message);
  });

  it('treats a missing policy as the defaults', () => {
    expect(parsePolicy(undefined)).toEqual({});
  });
});
