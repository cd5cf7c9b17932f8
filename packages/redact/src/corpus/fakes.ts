/**
 * Fake values for the labeled corpus: positives carry valid checksums (Luhn, mod-97, SSN ranges,
 * decodable JWT headers) and realistic formats; hard negatives look like PII but are not.
 */
import type { ContextEntityType, EntityType } from '../types.js';
import { ALNUM, B64URL, HEX, type Rng, UPPER_ALNUM } from './rng.js';

const FIRST = ['john', 'maria', 'wei', 'fatima', 'oliver', 'ana', 'kenji', 'lena', 'raj', 'zoe'];
const LAST = ['smith', 'garcia', 'chen', 'khan', 'mueller', 'rossi', 'sato', 'novak', 'patel'];
const DOMAINS = ['example.com', 'acme.io', 'mail.example.org', 'corp.co.uk', 'globex.de', 'b.co'];

const MORE_DOMAINS = ['my-company.io', 'uni.ac.jp', 'startup.technology', 'x1.dev', 'co.in'];

export function email(r: Rng): string {
  const f = r.pick(FIRST);
  const l = r.pick(LAST);
  const local = r.pick([
    `${f}.${l}`,
    `${f}${r.int(1, 99)}`,
    `${f[0]}${l}`,
    `${f}+${r.pick(['tag', 'billing', 'ops'])}`,
    `${f}_${l}`,
    `${f}-${l}.${r.int(1970, 2005)}`,
    `${r.digits(6)}`,
  ]);
  const domain = r.chance(0.75) ? r.pick(DOMAINS) : r.pick(MORE_DOMAINS);
  return `${r.chance(0.2) ? local.toUpperCase() : local}@${r.chance(0.1) ? domain.toUpperCase() : domain}`;
}

function luhnComplete(partial: string): string {
  // Appends the check digit that makes `partial + d` pass Luhn.
  for (let d = 0; d <= 9; d++) {
    const n = partial + d;
    let sum = 0;
    let dbl = false;
    for (let i = n.length - 1; i >= 0; i--) {
      let x = n.charCodeAt(i) - 48;
      if (dbl) {
        x *= 2;
        if (x > 9) x -= 9;
      }
      sum += x;
      dbl = !dbl;
    }
    if (sum % 10 === 0) return n;
  }
  return partial;
}

export function cardDigits(r: Rng): string {
  const kind = r.int(0, 9);
  if (kind <= 2) return luhnComplete(`4${r.digits(14)}`);
  if (kind === 3) return luhnComplete(`5${r.int(1, 5)}${r.digits(13)}`);
  if (kind === 4) return luhnComplete(`3${r.pick(['4', '7'])}${r.digits(12)}`);
  if (kind === 5) return luhnComplete(`6011${r.digits(11)}`);
  if (kind === 6) return luhnComplete(`${r.int(2221, 2720)}${r.digits(11)}`);
  if (kind === 7) return luhnComplete(`35${r.int(28, 89)}${r.digits(11)}`);
  if (kind === 8) return luhnComplete(`62${r.digits(r.pick([14, 16]))}`);
  return luhnComplete(`4${r.digits(17)}`);
}

export function card(r: Rng): string {
  const d = cardDigits(r);
  const style = r.int(0, 2);
  if (style === 0 || d.length !== 16) {
    if (d.length === 15 && style !== 0) return `${d.slice(0, 4)} ${d.slice(4, 10)} ${d.slice(10)}`;
    return d;
  }
  const sep = style === 1 ? ' ' : '-';
  return [d.slice(0, 4), d.slice(4, 8), d.slice(8, 12), d.slice(12)].join(sep);
}

/** Card-shaped numbers that fail Luhn. */
export function cardLikeInvalid(r: Rng): string {
  const valid = cardDigits(r);
  const last = valid.charCodeAt(valid.length - 1) - 48;
  const d = valid.slice(0, -1) + String((last + r.int(1, 9)) % 10);
  return r.chance(0.5) ? d : [d.slice(0, 4), d.slice(4, 8), d.slice(8, 12), d.slice(12)].join(' ');
}

export function phone(r: Rng): string {
  const n = () => String(r.int(2, 9)) + r.digits(2);
  const roll = r.int(0, 17);
  switch (roll) {
    case 8:
      return `+1-${n()}-${n()}-${r.digits(4)}`;
    case 9:
      return `+1.${n()}.${n()}.${r.digits(4)}`;
    case 10:
      return `(${n()})${n()}-${r.digits(4)}`;
    case 11:
      return `${n()} ${n()} ${r.digits(4)}`;
    case 12:
      return `+91 ${r.int(70000, 99999)} ${r.digits(5)}`;
    case 13:
      return `+61 ${r.int(2, 8)} ${r.digits(4)} ${r.digits(4)}`;
    case 14:
      return `+81 ${r.int(3, 6)}-${r.digits(4)}-${r.digits(4)}`;
    case 15:
      return `1 (${n()}) ${n()}-${r.digits(4)}`;
    case 16:
      return `07${r.int(100, 999)} ${r.digits(6)}`;
    case 17:
      return `030 ${r.digits(8)}`;
  }
  switch (roll) {
    case 0:
      return `+1 (${n()}) ${n()}-${r.digits(4)}`;
    case 1:
      return `(${n()}) ${n()}-${r.digits(4)}`;
    case 2:
      return `${n()}-${n()}-${r.digits(4)}`;
    case 3:
      return `${n()}.${n()}.${r.digits(4)}`;
    case 4:
      return `+44 20 ${r.digits(4)} ${r.digits(4)}`;
    case 5:
      return `+49${r.int(30, 89)}${r.digits(7)}`;
    case 6:
      return `0${r.int(20, 79)} ${r.digits(4)} ${r.digits(4)}`;
    default:
      return `+33 ${r.int(1, 9)} ${r.digits(2)} ${r.digits(2)} ${r.digits(2)} ${r.digits(2)}`;
  }
}

const IBAN_SHAPES: Array<[string, string]> = [
  ['NO', 'NNNNNNNNNNN'],
  ['MT', 'AAAANNNNNXXXXXXXXXXXXXXXXXX'],
  ['PL', 'NNNNNNNNNNNNNNNNNNNNNNNN'],
  ['DE', 'NNNNNNNNNNNNNNNNNN'],
  ['GB', 'AAAANNNNNNNNNNNNNN'],
  ['FR', 'NNNNNNNNNNXXXXXXXXXXXNN'],
  ['NL', 'AAAANNNNNNNNNN'],
  ['ES', 'NNNNNNNNNNNNNNNNNNNN'],
  ['IT', 'ANNNNNNNNNNXXXXXXXXXXXX'],
  ['CH', 'NNNNNXXXXXXXXXXXX'],
  ['BE', 'NNNNNNNNNNNN'],
];

export function mod97(s: string): number {
  let rem = 0;
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    rem = c >= 65 ? (rem * 100 + (c - 55)) % 97 : (rem * 10 + (c - 48)) % 97;
  }
  return rem;
}

export function iban(r: Rng): string {
  const [cc, shape] = r.pick(IBAN_SHAPES);
  let bban = '';
  for (const k of shape) {
    bban +=
      k === 'N'
        ? r.digits(1)
        : k === 'A'
          ? r.fromAlphabet('ABCDEFGHIJKLMNOPQRSTUVWXYZ', 1)
          : r.fromAlphabet(UPPER_ALNUM, 1);
  }
  const check = String(98 - mod97(`${bban}${cc}00`)).padStart(2, '0');
  const compact = `${cc}${check}${bban}`;
  return r.chance(0.5) ? compact : (compact.match(/.{1,4}/g) ?? []).join(' ');
}

export function ssn(r: Rng): string {
  let area = r.int(1, 899);
  if (area === 666) area = 665;
  const a = String(area).padStart(3, '0');
  const g = String(r.int(1, 99)).padStart(2, '0');
  const s = String(r.int(1, 9999)).padStart(4, '0');
  return r.chance(0.85) ? `${a}-${g}-${s}` : `${a} ${g} ${s}`;
}

export function ipv4(r: Rng): string {
  return r.pick([
    () => `172.${r.int(16, 31)}.${r.int(0, 255)}.${r.int(1, 254)}:${r.int(1024, 65535)}`,
    () => `192.168.${r.int(0, 255)}.${r.int(1, 254)}`,
    () => `10.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(1, 254)}`,
    () => `${r.int(11, 223)}.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(1, 254)}`,
  ])();
}

export function ipv6(r: Rng): string {
  const g = () => r.fromAlphabet(HEX, r.int(1, 4)).replace(/^0+(?=.)/, '');
  return r.pick([
    () => `2001:db8:${g()}:${g()}::${g()}`,
    () => `fe80::${g()}:${g()}:${g()}:${r.int(1, 9)}${g().slice(0, 3)}`,
    () => Array.from({ length: 8 }, () => g()).join(':'),
    () => '::1',
    () => `::ffff:10.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(1, 254)}`,
    () => `2001:DB8:${g().toUpperCase()}::${r.int(1, 9)}`,
  ])();
}

export function ip(r: Rng): string {
  return r.chance(0.6) ? ipv4(r) : ipv6(r);
}

function b64url(s: string): string {
  return Buffer.from(s).toString('base64url');
}

export function secret(r: Rng): string {
  return r.pick([
    () => `sk-${r.fromAlphabet(ALNUM, 48)}`,
    () => `sk-proj-${r.fromAlphabet(B64URL, 64)}`,
    () => `sk-ant-api03-${r.fromAlphabet(B64URL, 93)}AA`,
    () => `AKIA${r.fromAlphabet('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16)}`,
    () => `ghp_${r.fromAlphabet(ALNUM, 36)}`,
    () => `gho_${r.fromAlphabet(ALNUM, 36)}`,
    () => `ghs_${r.fromAlphabet(ALNUM, 36)}`,
    () => `github_pat_11${r.fromAlphabet(UPPER_ALNUM, 20)}_${r.fromAlphabet(ALNUM, 59)}`,
    () => `xoxb-${r.digits(12)}-${r.digits(13)}-${r.fromAlphabet(ALNUM, 24)}`,
    () => `xoxp-${r.digits(12)}-${r.digits(12)}-${r.digits(13)}-${r.fromAlphabet(HEX, 32)}`,
    () => `sk_live_${r.fromAlphabet(ALNUM, 24)}`,
    () => `sk_test_${r.fromAlphabet(ALNUM, 24)}`,
    () => `ghu_${r.fromAlphabet(ALNUM, 36)}`,
    () => `ASIA${r.fromAlphabet('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16)}`,
    () => `xoxa-2-${r.digits(12)}-${r.fromAlphabet(ALNUM, 30)}`,
    () =>
      `${b64url(JSON.stringify({ alg: 'none' }))}.${b64url(JSON.stringify({ sub: r.pick(FIRST) }))}.`,
    () =>
      `https://hooks.slack.com/services/T${r.fromAlphabet(UPPER_ALNUM, 8)}/B${r.fromAlphabet(UPPER_ALNUM, 8)}/${r.fromAlphabet(ALNUM, 24)}`,
    () => `rk_live_${r.fromAlphabet(ALNUM, 24)}`,
    () => `AIza${r.fromAlphabet(B64URL, 35)}`,
    () =>
      `${b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64url(
        JSON.stringify({ sub: r.digits(8), name: r.pick(FIRST), iat: 1700000000 + r.int(0, 1e6) }),
      )}.${r.fromAlphabet(B64URL, 43)}`,
    () =>
      `-----BEGIN ${r.pick(['RSA ', 'EC ', 'OPENSSH ', ''])}PRIVATE KEY-----\n${Array.from(
        { length: r.int(3, 8) },
        () => r.fromAlphabet(`${ALNUM}+/`, 64),
      ).join('\n')}\n-----END PRIVATE KEY-----`,
  ])();
}

/** A credential and the text around it; only `value` must disappear. */
export function credential(r: Rng): { text: string; value: string } {
  const token = r.fromAlphabet(ALNUM, r.int(24, 40)) + r.digits(2);
  const user = r.pick(FIRST);
  const pw = r.fromAlphabet(ALNUM, r.int(8, 16));
  return r.pick([
    () => ({ text: `Authorization: Bearer ${token}`, value: token }),
    () => ({ text: `Bearer ${token}`, value: token }),
    () => {
      const b = Buffer.from(`${user}:${pw}`).toString('base64');
      return { text: `Authorization: Basic ${b}`, value: b };
    },
    () => ({ text: `postgres://${user}:${pw}@db.internal:5432/app`, value: `${user}:${pw}` }),
    () => ({ text: `https://${user}:${pw}@git.example.com/repo.git`, value: `${user}:${pw}` }),
    () => ({ text: `https://api.example.com/v1/items?access_token=${token}&page=2`, value: token }),
    () => ({ text: `https://example.com/cb?state=x&api_key=${token}`, value: token }),
    () => ({ text: `password=${pw}`, value: pw }),
    () => ({ text: `DB_PASSWORD="${pw}"`, value: pw }),
    () => ({ text: `client_secret: ${pw}`, value: pw }),
  ])();
}

export const GENERATORS: Record<
  Exclude<EntityType, 'SENSITIVE_KEY' | 'CREDENTIAL' | ContextEntityType>,
  (r: Rng) => string
> = {
  EMAIL: email,
  PHONE: phone,
  CREDIT_CARD: card,
  IBAN: iban,
  US_SSN: ssn,
  IP_ADDRESS: ip,
  SECRET: secret,
};
