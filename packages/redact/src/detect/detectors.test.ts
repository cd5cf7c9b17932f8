import { describe, expect, it } from 'vitest';
import { createRedactor } from '../index.js';

const r = createRedactor({ hashKey: 'detector-test-key-0123456789' });

/** The finding types for `text`, in order of appearance in the output. */
function typesIn(text: string): string[] {
  const out = r.redactString(text).value;
  return [...out.matchAll(/\[REDACTED:([A-Z_]+)\]/g)].map((m) => m[1]!);
}

const positives: Array<[string, string, string]> = [
  // [detector, text, expected type]
  ['email', 'write to jane.doe+ops@mail.example.co.uk today', 'EMAIL'],
  ['email upper case', 'FROM: JOHN_SMITH@EXAMPLE.COM', 'EMAIL'],
  ['email at sentence end', 'Contact a.b@example.org.', 'EMAIL'],
  ['phone E.164 compact', 'call +14155550132 now', 'PHONE'],
  ['phone E.164 spaced', 'call +44 20 7946 0958 now', 'PHONE'],
  ['phone US parentheses', 'call (415) 555-0132 now', 'PHONE'],
  ['phone US dashes', 'call 415-555-0132 now', 'PHONE'],
  ['phone US dots', 'call 415.555.0132 now', 'PHONE'],
  ['phone US with country code', 'call 1-415-555-0132 now', 'PHONE'],
  ['phone US country code, parentheses', 'call 1 (415) 555-0132 now', 'PHONE'],
  ['phone US country code, no separator', 'call 1(415)555-0132 now', 'PHONE'],
  ['phone national, lone trunk 0', 'ring 0 20 7946 0958 now', 'PHONE'],
  ['phone national, parenthesised trunk 0', 'ring (0) 20 7946 0958 now', 'PHONE'],
  ['IPv4 of one-digit groups', 'from 1.2.3.4 then', 'IP_ADDRESS'],
  // Inside runs of one- and two-digit groups, which the numeric prefilter skips group by group.
  ['card in a run of single digits', '1 1 1 1 4111 1111 1111 1111 1 1 1', 'CREDIT_CARD'],
  ['phone in a run of parenthesised digits', '(1) (1) (1) 1-415-555-0132 (1) (1)', 'PHONE'],
  ['SSN in a run of two-digit groups', '12 12 12 123-45-6789 12 12', 'US_SSN'],
  ['phone UK national', 'ring 020 7946 0958 now', 'PHONE'],
  ['phone FR national', 'tel 06 12 34 56 78 now', 'PHONE'],
  ['card Visa plain', 'card 4111111111111111 ok', 'CREDIT_CARD'],
  ['card Visa spaced', 'card 4111 1111 1111 1111 ok', 'CREDIT_CARD'],
  ['card Mastercard dashed', 'card 5555-5555-5555-4444 ok', 'CREDIT_CARD'],
  ['card Amex 4-6-5', 'card 3782 822463 10005 ok', 'CREDIT_CARD'],
  ['card 2-series Mastercard', 'card 2223003122003222 ok', 'CREDIT_CARD'],
  ['IBAN compact', 'iban GB82WEST12345698765432 ok', 'IBAN'],
  ['IBAN grouped', 'iban DE89 3704 0044 0532 0130 00 ok', 'IBAN'],
  ['SSN dashed', 'ssn 123-45-6789 ok', 'US_SSN'],
  ['SSN spaced', 'ssn 123 45 6789 ok', 'US_SSN'],
  ['IPv4', 'from 192.168.10.20, then', 'IP_ADDRESS'],
  ['IPv6 compressed', 'from 2001:db8::8a2e:370:7334 then', 'IP_ADDRESS'],
  ['IPv6 full', 'from 2001:0db8:85a3:0000:0000:8a2e:0370:7334 then', 'IP_ADDRESS'],
  ['IPv6 loopback', 'bind ::1 only', 'IP_ADDRESS'],
  ['IPv6 link-local', 'via fe80::1ff:fe23:4567:890a', 'IP_ADDRESS'],
  ['IPv6 mapped IPv4', 'peer ::ffff:10.0.0.1 seen', 'IP_ADDRESS'],
  ['OpenAI key', `key sk-${'a1B2c3D4e5'.repeat(4)} ok`, 'SECRET'],
  ['OpenAI project key', `key sk-proj-${'a1B2c3D4e5_-'.repeat(5)} ok`, 'SECRET'],
  ['Anthropic key', `key sk-ant-api03-${'x9Y8z7W6v5'.repeat(9)}AA ok`, 'SECRET'],
  ['AWS access key id', 'aws AKIAIOSFODNN7EXAMPLE ok', 'SECRET'],
  ['GitHub token', `gh ghp_${'A1b2C3d4E5f6'.repeat(3)} ok`, 'SECRET'],
  ['GitHub OAuth token', `gh gho_${'A1b2C3d4E5f6'.repeat(3)} ok`, 'SECRET'],
  ['GitHub app token', `gh ghs_${'A1b2C3d4E5f6'.repeat(3)} ok`, 'SECRET'],
  ['GitHub fine-grained PAT', `gh github_pat_11ABCDEFG0123456789_${'aB3'.repeat(20)} ok`, 'SECRET'],
  [
    'Slack bot token',
    'slack xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx ok',
    'SECRET',
  ],
  ['Stripe live key', `stripe sk_live_${'4eC39HqLyjWDarjtT1zdp7dc'} ok`, 'SECRET'],
  ['Stripe restricted key', `stripe rk_live_${'4eC39HqLyjWDarjtT1zdp7dc'} ok`, 'SECRET'],
  ['Google API key', 'google AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY ok', 'SECRET'],
  [
    'JWT',
    'jwt eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U ok',
    'SECRET',
  ],
  [
    'PEM private key',
    '-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----',
    'SECRET',
  ],
  [
    'PEM cut before END',
    'key: -----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC',
    'SECRET',
  ],
  ['Bearer token', 'Authorization: Bearer abcDEF123456ghiJKL789', 'CREDENTIAL'],
  ['Basic credentials', 'Authorization: Basic dXNlcjpwYXNzd29yZA==', 'CREDENTIAL'],
  ['URL credentials', 'db postgres://app:s3cr3t@db.internal:5432/app', 'CREDENTIAL'],
  ['token query parameter', 'GET https://x.io/cb?state=1&access_token=abc123XYZ', 'CREDENTIAL'],
  ['api_key query parameter', 'GET https://x.io/v1?api_key=abc123XYZ&page=2', 'CREDENTIAL'],
  ['password assignment', 'retrying with password=hunter2 failed', 'CREDENTIAL'],
  ['quoted secret assignment', 'env DB_PASSWORD="p@ss w0rd" loaded', 'CREDENTIAL'],
  ['connection string password', 'Server=db;User Id=sa;Password=Pa55word;', 'CREDENTIAL'],
  [
    'prefixed secret assigned to a sensitive name',
    `OPENAI_API_KEY=sk-${'a1B2c3D4e5'.repeat(4)}`,
    'SECRET',
  ],
  [
    'Slack webhook URL',
    'post to https://hooks.slack.com/services/T0000/B0000/XXXXXXXXXXXXXXXX',
    'SECRET',
  ],
  ['bare phone after a phone word', 'my cell is 4155550132.', 'PHONE'],
  ['bare SSN after an SSN word', 'SSN: 123456789', 'US_SSN'],
  ['IPv4 CIDR', 'allow 10.20.0.0/16 only', 'IP_ADDRESS'],
  ['IPv4 with port', 'connect 10.0.0.7:5432 now', 'IP_ADDRESS'],
];

const negatives: Array<[string, string]> = [
  ['run of single digits', 'scores 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1'],
  ['run of parenthesised digits', 'steps (1) (1) (1) (1) (1) (1) (1) (1)'],
  ['run of zeros', 'flags 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0'],
  ['order number', 'order ORD-4111111111111111 shipped'],
  ['Luhn-failing card-like number', 'ref 4111 1111 1111 1112 noted'],
  ['epoch milliseconds', 'at 1718035200000 we retried'],
  ['epoch seconds', 'at 1718035200 we retried'],
  ['ISO timestamp', 'at 2026-11-25T11:29:11Z we retried'],
  ['date and time', 'at 2026-11-25 11:29 we retried'],
  ['UUID', 'run 3f2b8c1e-9a7d-4e2b-8c1a-0d9e8f7a6b5c failed'],
  ['git SHA', 'commit 9fceb02d0ae598e95dc970b74767f19372d61af8 landed'],
  ['semver', 'upgraded to 10.4.0 and v1.2.3'],
  ['four-part version', 'agent v1.2.3.4 started'],
  ['prerelease version', 'installed 2.0.0-beta.3'],
  ['price', 'costs $1,299.99 or €45,00'],
  ['SSN in never-issued range', 'ssn 666-12-3456 and 900-12-3456 and 000-12-3456'],
  ['short local number', 'ext 555-0132'],
  ['time of day', 'at 10:30:45 the job ran'],
  ['C++ scope', 'use std::vector and dead::beef'],
  ['npm package spec', 'install zod@4.1.0 and @tenantry/redact'],
  ['sk- in prose', 'we use sk-learn for it'],
  ['Basic in prose', 'Basic information about the plan'],
  ['Bearer in prose', 'the bearer of bad news'],
  ['token counts', 'tokens: 12345 and max_tokens=4000'],
  ['IBAN with bad checksum', 'iban GB82WEST12345698765433 ok'],
  ['URL without credentials', 'see https://docs.example.com/a?b=c#d'],
  ['user without password in URL', 'clone https://git@github.com/org/repo'],
  ['five-part dotted number', 'oid 1.3.6.1.4.1 registered'],
  ['bare 10-digit number without a phone word', 'order 4155550132 shipped'],
  ['bare 9-digit number without an SSN word', 'id 123456789 found'],
  ['session id attribute', 'session.id=4f1c2a9e'],
  ['TypeScript type annotation', 'interface Login { password: string; token: string }'],
  ['code passing a variable', 'connect({ credentials: ChannelCredentials, token: oidcToken })'],
  ['member expression', 'headers: { authorization: this.authHeader }'],
  ['constant ending in TOKEN', 'TIME_TO_FIRST_TOKEN: "gen_ai.server.time_to_first_token"'],
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell reference is the point here
  ['environment reference', 'password=${DB_PASSWORD} and secret: "<your secret>"'],
  ['retina image name', 'logo-on-light@2x.png and icon@3x.webp'],
  ['file name after a package', 'see pkg@next/index.js'],
  ['EAN-13 barcode that passes Luhn', 'ean 5901234123457 in stock'],
];

describe('detectors', () => {
  it.each(positives)('finds %s', (_name, text, type) => {
    expect(typesIn(text)).toEqual([type]);
  });

  it.each(negatives)('leaves a %s alone', (_name, text) => {
    const res = r.redactString(text);
    expect(res.value).toBe(text);
    expect(res.findings).toEqual({});
  });

  it('ends a quoted bearer token at the closing quote', () => {
    const out = r.redactString(
      'curl -H "Authorization: Bearer abcDEF123456ghiJKL789" https://x.io',
    );
    expect(out.value).toBe('curl -H "Authorization: Bearer [REDACTED:CREDENTIAL]" https://x.io');
  });
});
