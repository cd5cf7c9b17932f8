import { describe, expect, it } from 'vitest';
import { createRedactor } from './index.js';

const r = createRedactor({ hashKey: 'test-hash-key-0123456789' });

describe('createRedactor', () => {
  it('replaces an email in text with a typed marker and counts it', () => {
    const out = r.redactString('mail john.doe@example.com now.');
    expect(out.value).toBe('mail [REDACTED:EMAIL] now.');
    expect(out.findings).toEqual({ EMAIL: 1 });
  });

  it('redacts Luhn-valid card numbers and leaves Luhn-failing ones', () => {
    const out = r.redactString('card 4111 1111 1111 1111, bad 4111111111111112');
    expect(out.value).toBe('card [REDACTED:CREDIT_CARD], bad 4111111111111112');
  });

  it('redacts prefixed provider secrets', () => {
    const out = r.redactString(
      'key sk-proj-abcdefghijklmnopqrstuvwxyz0123 and AKIAIOSFODNN7EXAMPLE',
    );
    expect(out.value).toBe('key [REDACTED:SECRET] and [REDACTED:SECRET]');
    expect(out.findings).toEqual({ SECRET: 2 });
  });

  it('keeps the Authorization scheme readable and redacts the bearer token', () => {
    const out = r.redactString('Authorization: Bearer abc123def456ghi789jkl');
    expect(out.value).toBe('Authorization: Bearer [REDACTED:CREDENTIAL]');
  });

  it('redacts values under sensitive keys whatever their spelling, without mutating input', () => {
    const input = {
      password: 'x',
      nested: { apiKey: 42, 'API-Key': 'k', x_api_key: 'k', note: 'ok' },
    };
    const snapshot = structuredClone(input);
    const out = r.redact(input);
    expect(out.value).toEqual({
      password: '[REDACTED:SENSITIVE_KEY]',
      nested: {
        apiKey: '[REDACTED:SENSITIVE_KEY]',
        'API-Key': '[REDACTED:SENSITIVE_KEY]',
        x_api_key: '[REDACTED:SENSITIVE_KEY]',
        note: 'ok',
      },
    });
    expect(out.findings).toEqual({ SENSITIVE_KEY: 4 });
    expect(input).toEqual(snapshot);
  });

  it('redacts inside JSON encoded in a string and re-serialises it', () => {
    const out = r.redactString('{"user":{"email":"a@b.co","token":"x"}}');
    expect(JSON.parse(out.value)).toEqual({
      user: { email: '[REDACTED:EMAIL]', token: '[REDACTED:SENSITIVE_KEY]' },
    });
  });

  it('hashes the same value alike within a tenant and differently across tenants', () => {
    const h = createRedactor({ hashKey: 'test-hash-key-0123456789', defaultAction: 'hash' });
    const a1 = h.redactString('a@b.co', { tenantId: 'acme' }).value;
    const a2 = h.redactString('a@b.co', { tenantId: 'acme' }).value;
    const b = h.redactString('a@b.co', { tenantId: 'globex' }).value;
    expect(a1).toMatch(/^\[EMAIL:[0-9a-f]{8}\]$/);
    expect(a2).toBe(a1);
    expect(b).not.toBe(a1);
  });

  it('redacts a card number stored as a JSON number and leaves other numbers', () => {
    const out = r.redact({ card: 4111111111111111, epochMs: 1718035200000, n: 42 });
    expect(out.value).toEqual({
      card: '[REDACTED:CREDIT_CARD]',
      epochMs: 1718035200000,
      n: 42,
    });
  });

  it('redacts a JSON-looking string by its text when the parsed value loses the finding', () => {
    // 17 digits do not survive JSON.parse as a number, but the card is in the text.
    const out = r.redactString('[62602904318614984]');
    expect(out.value).toBe('[[REDACTED:CREDIT_CARD]]');
  });
});
