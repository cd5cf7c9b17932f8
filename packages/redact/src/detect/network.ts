/**
 * Detectors anchored on punctuation: email (`@`), credentials in URLs (`://user:pass@`), IPv6
 * (`:`), and sensitive assignments in text (`password=...`, `?access_token=...`).
 */
import type { SensitiveKeys } from '../policy/keys.js';
import * as keysModule from '../policy/keys.js';
import * as chars from './chars.js';
import * as checksumsModule from './checksums.js';
import type { Match } from './match.js';
import * as secretsModule from './secrets.js';

// Local bindings: under tsx/vite-node an imported name is a getter call on every use, which
// costs more than the detectors themselves in the hot loop.
const { ipv6Valid } = checksumsModule;
const { detectWord } = secretsModule;
const { keySignature, keyTail, normalizeKey, signatureTable, tailTable } = keysModule;
const { ALNUM, CLS, codeAt, DOMAIN, HEX, LOCAL } = chars;

function bits(s: string, i: number): number {
  const c = codeAt(s, i);
  return c < 128 ? CLS[c]! : 0;
}

const FILE_EXTENSIONS = new Set(
  'png jpg jpeg gif svg webp ico bmp avif css scss js mjs cjs ts tsx jsx json map html htm txt md lock yaml yml toml xml wasm pdf'.split(
    ' ',
  ),
);

/** Email around the `@` at `at`; the local part never reaches back before `floor`. */
export function detectEmail(s: string, at: number, floor: number, out: Match[]): number {
  let ls = at;
  while (ls > floor && at - ls < 64 && (bits(s, ls - 1) & (ALNUM | LOCAL)) !== 0) ls--;
  while (ls < at && (s.charCodeAt(ls) === 46 || s.charCodeAt(ls) === 39)) ls++;
  if (ls === at) return -1;
  let de = at + 1;
  while (de < s.length && de - at < 254 && (bits(s, de) & (ALNUM | DOMAIN)) !== 0) de++;
  // A sentence may end right after the address: drop trailing dots and dashes.
  while (de > at + 1 && (s.charCodeAt(de - 1) === 46 || s.charCodeAt(de - 1) === 45)) de--;
  const domain = s.slice(at + 1, de);
  const dot = domain.lastIndexOf('.');
  if (dot <= 0) return -1;
  const tld = domain.slice(dot + 1);
  if (tld.length < 2 || tld.length > 24) return -1;
  for (let i = 0; i < tld.length; i++) {
    const c = tld.charCodeAt(i) | 32;
    if (c < 97 || c > 122) return -1;
  }
  if (domain.includes('..') || domain[0] === '-' || domain[0] === '.') return -1;
  // `logo@2x.png`, `pkg@1.2.3/index.js`: file names, not addresses.
  if (FILE_EXTENSIONS.has(tld.toLowerCase()) || /^\d+x\./.test(domain)) return -1;
  out.push({ start: ls, end: de, type: 'EMAIL' });
  return de;
}

/**
 * `scheme://user:pass@host`: the userinfo is a credential. `i` is the `:` of `://`. Returns where
 * to resume (the `@`) or -1; pushes a match only for credentials.
 */
export function detectUrlCredential(s: string, i: number, out: Match[]): number {
  const start = i + 3;
  const h = codeAt(s, start);
  // Every webhook host starts with `h` or `d`.
  if (h === 104 || h === 100) {
    for (const prefix of WEBHOOK_PREFIXES) {
      if (s.startsWith(prefix, start)) return webhook(s, start + prefix.length, out);
    }
  }
  // No `@` anywhere after the scheme (most URLs): no userinfo, without walking the host.
  if (s.indexOf('@', start) === -1) return -1;
  let p = start;
  let at = -1;
  let colon = -1;
  while (p < s.length && p - start < 512) {
    const c = s.charCodeAt(p);
    if (c <= 32 || c === 47 || c === 63 || c === 35 || c === 34 || c === 39 || c === 60 || c === 62)
      break;
    if (c === 64) at = p;
    else if (c === 58 && at === -1 && colon === -1) colon = p;
    p++;
  }
  if (at <= start) return -1;
  // `https://token@host` carries a bare token; `https://git@host` is a user name, not an email:
  // resume at the `@` so the email detector finds no local part and the host is still scanned.
  if (colon === -1 && at - start < 20) return at;
  out.push({ start, end: at, type: 'CREDENTIAL' });
  return at;
}

/** Webhook URLs whose path is the secret: whoever has it can post. */
const WEBHOOK_PREFIXES = [
  'hooks.slack.com/services/',
  'hooks.slack.com/workflows/',
  'discord.com/api/webhooks/',
  'discordapp.com/api/webhooks/',
];

function webhook(s: string, start: number, out: Match[]): number {
  let p = start;
  while (p < s.length && p - start < 512) {
    const c = s.charCodeAt(p);
    if ((c < 128 && (CLS[c]! & ALNUM) !== 0) || c === 47 || c === 45 || c === 95) p++;
    else break;
  }
  if (p - start < 16) return -1;
  out.push({ start, end: p, type: 'SECRET' });
  return p;
}

/** IPv6 starting at `i` (a hex digit or `::`); returns the end or -1. */
export function detectIpv6(s: string, i: number, out: Match[]): number {
  let p = i;
  while (p < s.length && p - i < 46) {
    const c = s.charCodeAt(p);
    if ((c < 128 && (CLS[c]! & HEX) !== 0) || c === 58 || c === 46) p++;
    else break;
  }
  let end = p;
  while (end > i && s.charCodeAt(end - 1) === 46) end--;
  if (codeAt(s, end - 1) === 58 && codeAt(s, end - 2) !== 58) end--;
  if (end - i < 2 || (bits(s, p) & ALNUM) !== 0) return -1;
  if (!ipv6Valid(s.slice(i, end))) return -1;
  out.push({ start: i, end, type: 'IP_ADDRESS' });
  return end;
}

/** Cheap test before detectIpv6: 1-4 hex digits then `:` at word start `i`. */
export function looksLikeIpv6(s: string, i: number): boolean {
  let p = i;
  while (p - i < 4 && (bits(s, p) & HEX) !== 0) p++;
  return p > i && codeAt(s, p) === 58;
}

/** Parameters that carry tokens in URLs, beyond the sensitive keys. */
const QUERY_KEYS = new Set([
  'key',
  'code',
  'sig',
  'jwt',
  'accesskey',
  'xamzsignature',
  'xamzcredential',
  'xamzsecuritytoken',
  'xgoogsignature',
  'xgoogcredential',
]);
export const QUERY_TAILS = tailTable(QUERY_KEYS);
export const QUERY_SIGNATURES = signatureTable(QUERY_KEYS);

/** Words that stand for a value rather than being one (types, nulls, placeholders). */
const PLACEHOLDERS = new Set([
  'string',
  'number',
  'boolean',
  'bool',
  'str',
  'int',
  'any',
  'unknown',
  'object',
  'null',
  'none',
  'nil',
  'undefined',
  'true',
  'false',
  'required',
  'optional',
  'redacted',
  'xxx',
  'xxxx',
  '***',
  '...',
  'changeme',
]);

/**
 * Unquoted values that are code or placeholders: `${PASSWORD}`, `<token>`, `getToken()`,
 * `z.ZodString`, and after a colon identifiers like `oidcToken` or `CallCredentials`.
 */
function notAValue(v: string, eq: boolean, quoted: boolean): boolean {
  if (PLACEHOLDERS.has(v.toLowerCase())) return true;
  const c = v.charCodeAt(0);
  // $ { < % ` ( start references and templates: `${PASSWORD}`, `<token>`, `%(pw)s`
  if (c === 36 || c === 123 || c === 60 || c === 37 || c === 96 || c === 40) return true;
  if (quoted) return false;
  if (v.includes('(') || v.includes('<') || v.includes('[')) return true;
  return !eq && CODE_IDENTIFIER.test(v);
}

/** camelCase, PascalCase and dotted member expressions (`this.authHeader`), as written in code. */
const CODE_IDENTIFIER =
  /^(?:[a-z]{2,}(?:[A-Z][a-z]{2,})+|[A-Z][a-z]{2,}(?:[A-Z][a-z]{2,})+|[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+)$/;

const AUTH_SCHEME = /^(?:bearer|basic|token|digest|bot|negotiate|apikey)$/i;

function isToken68(c: number): boolean {
  return (
    (c < 128 && (CLS[c]! & ALNUM) !== 0) ||
    c === 45 ||
    c === 46 ||
    c === 95 ||
    c === 126 ||
    c === 43 ||
    c === 47 ||
    c === 61
  );
}

function isKeyChar(c: number): boolean {
  return (c < 128 && (CLS[c]! & ALNUM) !== 0) || c === 95 || c === 45 || c === 46;
}

/**
 * `password=hunter2`, `"api_key": "..."`, `?access_token=...`: a value after `=` or `:` whose key
 * is sensitive. `i` is the `=` or `:`.
 */
export function detectAssignment(
  s: string,
  i: number,
  floor: number,
  keys: SensitiveKeys,
  out: Match[],
): number {
  const eq = s.charCodeAt(i) === 61;
  let ke = i;
  const q = codeAt(s, ke - 1);
  if (q === 34 || q === 39) ke--;
  // Most words before `=` or `:` end unlike any sensitive key: decide that from the last letters
  // before walking back over the whole key, slicing it or looking it up.
  const tail = keyTail(s, Math.max(floor, ke - 12), ke);
  const sensitiveTail = keys.tailMatches(tail);
  if (!sensitiveTail && !(eq && QUERY_TAILS[tail] === 1)) return -1;
  let ks = ke;
  while (ks > floor && ke - ks < 48 && isKeyChar(s.charCodeAt(ks - 1))) ks--;
  if (ke - ks < 2) return -1;
  const before = ks > 0 ? s.charCodeAt(ks - 1) : 0;
  // `[CREDENTIAL:1a2b3c4d]` is our own hash marker, not an assignment.
  if (before === 91) return -1;
  const inQuery = eq && (before === 63 || before === 38);
  if (!sensitiveTail && !inQuery) return -1;
  // `region=` ends like `authorization`: its last five characters tell it apart without a slice.
  const sig = keySignature(s, ks, ke);
  if (!keys.signatureMatches(sig) && !(inQuery && QUERY_SIGNATURES[sig] === 1)) return -1;
  const key = s.slice(ks, ke);
  const quotedKey = q === 34 || q === 39;
  if (!keys.has(key) && !(inQuery && QUERY_KEYS.has(normalizeKey(key)))) {
    return -1;
  }
  // `key: value` is everywhere in code (`credentials: CallCredentials`, `TIME_TO_FIRST_TOKEN:`),
  // so unquoted keys before a colon must be sensitive words themselves, not just end with one.
  if (!eq && !quotedKey && !keys.hasExact(key)) return -1;
  let p = i + 1;
  if (eq && codeAt(s, p) === 61) return -1;
  while (p < s.length && p - i < 3 && (s.charCodeAt(p) === 32 || s.charCodeAt(p) === 9)) p++;
  // JSON-escaped text (`\"secret\"`) quotes with a backslash in front.
  if (codeAt(s, p) === 92 && (codeAt(s, p + 1) === 34 || codeAt(s, p + 1) === 39)) p++;
  let vs = p;
  let ve: number;
  const open = codeAt(s, p);
  if (open === 34 || open === 39) {
    vs = p + 1;
    ve = vs;
    while (ve < s.length && ve - vs < 4096 && s.charCodeAt(ve) !== open) {
      if (s.charCodeAt(ve) === 92) {
        if (codeAt(s, ve + 1) === open) break;
        ve++;
      }
      ve++;
    }
    if (ve > s.length) ve = s.length;
  } else {
    ve = vs;
    while (ve < s.length && ve - vs < 4096) {
      const c = s.charCodeAt(ve);
      if (c <= 32 || c === 44 || c === 59 || c === 38 || c === 34 || c === 39 || c === 41) break;
      if (c === 125 || c === 93 || c === 62 || c === 35) break;
      ve++;
    }
  }
  // `Authorization: Bearer abc...`: the scheme stays readable, the token after it is the secret.
  if (open !== 34 && open !== 39 && codeAt(s, ve) === 32 && AUTH_SCHEME.test(s.slice(vs, ve))) {
    vs = ve + 1;
    ve = vs;
    // token68 (RFC 7235): letters, digits and -._~+/ with trailing `=`; a closing quote is not in it.
    while (ve < s.length && ve - vs < 4096 && isToken68(s.charCodeAt(ve))) ve++;
  }
  if (ve - vs < (eq ? 1 : 3)) return -1;
  if (notAValue(s.slice(vs, ve), eq, open === 34 || open === 39)) return -1;
  // Already redacted (`[REDACTED:...]`, `****1234`): nothing left to hide.
  if (codeAt(s, vs) === 91 || s.startsWith('****', vs)) return -1;
  // `OPENAI_API_KEY=sk-...`: a recognisable secret keeps its more specific type.
  const specific: Match[] = [];
  const c = codeAt(s, vs);
  if (c < 128 && (CLS[c]! & ALNUM) !== 0 && detectWord(s, vs, c, specific) !== -1) {
    const m = specific[0]!;
    if (m.type === 'SECRET' && m.end >= ve) {
      out.push(m);
      return m.end;
    }
  }
  out.push({ start: vs, end: ve, type: 'CREDENTIAL' });
  return ve;
}
