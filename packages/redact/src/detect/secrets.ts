/**
 * Prefixed secrets, dispatched on a word's first character so prose costs one switch per word;
 * the sticky regexes only run where a known prefix already matched.
 */
import * as chars from './chars.js';
import * as checksumsModule from './checksums.js';
import type { Match } from './match.js';

// Local bindings: under tsx/vite-node an imported name is a getter call on every use, which
// costs more than the detectors themselves in the hot loop.
const { basicCredentialValid, ibanLength, ibanValid, jwtHeaderValid } = checksumsModule;
const { ALNUM, CLS, DIGIT, UPPER } = chars;

const OPENAI = /sk-(?:ant-|proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,400}/y;
const STRIPE = /[sr]k_(?:live|test)_[A-Za-z0-9]{16,250}/y;
const AWS = /(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|AROA|APKA|ASCA)[A-Z0-9]{16}/y;
const GOOGLE = /AIza[0-9A-Za-z_-]{35}/y;
const GITHUB = /gh[pousr]_[A-Za-z0-9]{36,255}/y;
const GITHUB_PAT = /github_pat_[A-Za-z0-9_]{22,255}/y;
const SLACK = /xox[abposre]-[A-Za-z0-9-]{10,250}/y;
const SLACK_APP = /xapp-\d-[A-Za-z0-9-]{10,250}/y;
const JWT = /eyJ[A-Za-z0-9_-]{8,2000}\.[A-Za-z0-9_-]{2,8000}\.[A-Za-z0-9_-]{0,2000}/y;
const BEARER = /[Bb]earer[ \t]+([A-Za-z0-9._~+/-]{16,4000}=*)/y;
const BASIC = /[Bb]asic[ \t]+([A-Za-z0-9+/]{8,4000}={0,2})/y;

function stickyAt(re: RegExp, s: string, i: number): RegExpExecArray | null {
  re.lastIndex = i;
  return re.exec(s);
}

/** True when the token does not run on into more word characters (`AKIA...` + 17th char). */
function boundary(s: string, end: number): boolean {
  const c = end < s.length ? s.charCodeAt(end) : 0;
  return !(c < 128 && (CLS[c]! & ALNUM) !== 0);
}

function pushRe(re: RegExp, s: string, i: number, out: Match[], needBoundary: boolean): number {
  const m = stickyAt(re, s, i);
  if (m === null) return -1;
  const end = i + m[0].length;
  if (needBoundary && !boundary(s, end)) return -1;
  out.push({ start: i, end, type: 'SECRET' });
  return end;
}

function hasDigit(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) return true;
  }
  return false;
}

function authorization(re: RegExp, s: string, i: number, out: Match[], basic: boolean): number {
  const m = stickyAt(re, s, i);
  if (m === null) return -1;
  const token = m[1]!;
  // "Bearer of bad news" / "Basic information": prose follows these words far more often than
  // credentials do, so require a token shape (digits) or a decodable user:password.
  if (basic ? !basicCredentialValid(token) : !hasDigit(token)) return -1;
  const end = i + m[0].length;
  out.push({ start: i + m[0].length - token.length, end, type: 'CREDENTIAL' });
  return end;
}

/** IBAN: country + check digits + BBAN, optionally in groups of 4, cut at the country's length. */
export function detectIban(s: string, i: number, out: Match[]): number {
  const expected = ibanLength(s.slice(i, i + 2));
  if (expected === undefined) return -1;
  let compact = '';
  let p = i;
  while (compact.length < expected && p < s.length) {
    const c = s.charCodeAt(p);
    if (c < 128 && (CLS[c]! & (DIGIT | UPPER)) !== 0) {
      compact += s[p];
      p++;
    } else if (c === 32 && compact.length % 4 === 0 && compact.length > 0) {
      p++;
    } else {
      break;
    }
  }
  if (compact.length !== expected || !boundary(s, p) || !ibanValid(compact)) return -1;
  out.push({ start: i, end: p, type: 'IBAN' });
  return p;
}

/** Tries every detector whose prefix starts at word start `i`; returns the match end or -1. */
export function detectWord(s: string, i: number, c: number, out: Match[]): number {
  switch (c) {
    case 115: // s
      if (s.charCodeAt(i + 1) !== 107) return -1;
      if (s.charCodeAt(i + 2) === 45) return pushRe(OPENAI, s, i, out, true);
      if (s.charCodeAt(i + 2) === 95) return pushRe(STRIPE, s, i, out, true);
      return -1;
    case 114: // r
      return s.startsWith('rk_', i) ? pushRe(STRIPE, s, i, out, true) : -1;
    case 103: // g
      if (s.startsWith('gh', i) && s.charCodeAt(i + 3) === 95) {
        return pushRe(GITHUB, s, i, out, true);
      }
      return s.startsWith('github_pat_', i) ? pushRe(GITHUB_PAT, s, i, out, true) : -1;
    case 120: // x
      if (s.startsWith('xox', i)) return pushRe(SLACK, s, i, out, true);
      return s.startsWith('xapp-', i) ? pushRe(SLACK_APP, s, i, out, true) : -1;
    case 101: {
      // e: JWTs start with base64url of `{"`
      if (!s.startsWith('eyJ', i)) return -1;
      const m = stickyAt(JWT, s, i);
      if (m === null || !boundary(s, i + m[0].length)) return -1;
      if (!jwtHeaderValid(m[0].slice(0, m[0].indexOf('.')))) return -1;
      out.push({ start: i, end: i + m[0].length, type: 'SECRET' });
      return i + m[0].length;
    }
    case 66: // B
    case 98: // b
      if (s.startsWith('earer', i + 1)) return authorization(BEARER, s, i, out, false);
      if (s.startsWith('asic', i + 1)) return authorization(BASIC, s, i, out, true);
      return c === 66 ? upper(s, i, out) : -1;
    default:
      return c >= 65 && c <= 90 ? upper(s, i, out) : -1;
  }
}

function upper(s: string, i: number, out: Match[]): number {
  const c1 = s.charCodeAt(i + 1);
  if (!(c1 >= 65 && c1 <= 90)) return -1;
  if (s.charCodeAt(i) === 65) {
    // A: AWS key ids and Google API keys
    if (s.startsWith('AIza', i)) return pushRe(GOOGLE, s, i, out, true);
    const r = pushRe(AWS, s, i, out, true);
    if (r !== -1) return r;
  }
  const c2 = s.charCodeAt(i + 2);
  const c3 = s.charCodeAt(i + 3);
  if (c2 >= 48 && c2 <= 57 && c3 >= 48 && c3 <= 57) return detectIban(s, i, out);
  return -1;
}

const PEM_HEADER = /-----BEGIN (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----/y;

/** PEM private keys; a block cut before its END line (truncation) is redacted to the end. */
export function detectPem(s: string, i: number, out: Match[]): number {
  if (!s.startsWith('-----BEGIN ', i)) return -1;
  const m = stickyAt(PEM_HEADER, s, i);
  if (m === null) return -1;
  const endAt = s.indexOf('-----END ', i + m[0].length);
  let end = s.length;
  if (endAt !== -1) {
    const close = s.indexOf('-----', endAt + 9);
    end = close === -1 ? s.length : close + 5;
  }
  out.push({ start: i, end, type: 'SECRET' });
  return end;
}
