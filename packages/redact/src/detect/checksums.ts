/** Validators that turn shape matches into findings: checksums and never-issued ranges. */

/** Luhn check over a string of digits. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/**
 * Card networks by prefix and length (Visa 4: 16/19; Mastercard 51-55 and 2221-2720: 16; Amex
 * 34/37: 15; Diners 30/36/38/39: 14-19; JCB 35, Discover 6011/64/65, UnionPay 62, Maestro 50/56-69:
 * 16-19). Numbers starting with 0, 1, 7, 8 or 9 are never cards, which rules out epoch timestamps
 * and most ids; a 14-digit `2026...` timestamp is no 16-digit Mastercard either. 13-digit Visa and
 * 12-15-digit Maestro numbers are no longer issued, while 13-digit EAN barcodes are everywhere.
 */
export function plausibleCard(digits: string): boolean {
  const n = digits.length;
  const d0 = digits.charCodeAt(0) - 48;
  const d1 = digits.charCodeAt(1) - 48;
  switch (d0) {
    case 4:
      return n === 16 || n === 19;
    case 5:
      if (d1 >= 1 && d1 <= 5) return n === 16;
      return d1 !== 0 && d1 < 5 ? false : n >= 16;
    case 2: {
      const p = Number(digits.slice(0, 4));
      return p >= 2221 && p <= 2720 && n === 16;
    }
    case 3:
      if (d1 === 4 || d1 === 7) return n === 15;
      if (d1 === 5) return n >= 16;
      return d1 === 0 || d1 === 6 || d1 === 8 || d1 === 9 ? n >= 14 : false;
    case 6:
      return n >= 16;
    default:
      return false;
  }
}

export function cardValid(digits: string): boolean {
  return digits.length >= 13 && digits.length <= 19 && plausibleCard(digits) && luhnValid(digits);
}

/** IBAN length per country (ISO 13616 registry). */
// biome-ignore format: a registry table reads best as a grid
const IBAN_LENGTHS: Record<string, number> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BR: 29, BY: 28, CH: 21,
  CR: 22, CY: 28, CZ: 24, DE: 22, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FO: 18, FR: 27,
  GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HR: 21, HU: 28, IE: 22, IL: 23, IQ: 23, IS: 26,
  IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20, LU: 20, LV: 21, MC: 27, MD: 24,
  ME: 22, MK: 19, MR: 27, MT: 31, MU: 30, NL: 18, NO: 15, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29,
  RO: 24, RS: 22, SA: 24, SC: 31, SE: 24, SI: 19, SK: 24, SM: 27, ST: 25, SV: 28, TL: 23, TN: 24,
  TR: 26, UA: 29, VA: 22, VG: 24, XK: 20,
};

/** Length for the country, or undefined when the country has no IBAN. */
export function ibanLength(country: string): number | undefined {
  return IBAN_LENGTHS[country];
}

/** Mod-97 check of a compact (no spaces) upper-case IBAN. */
export function ibanValid(iban: string): boolean {
  if (IBAN_LENGTHS[iban.slice(0, 2)] !== iban.length) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let rem = 0;
  for (let i = 0; i < rearranged.length; i++) {
    const c = rearranged.charCodeAt(i);
    if (c >= 48 && c <= 57) rem = (rem * 10 + (c - 48)) % 97;
    else if (c >= 65 && c <= 90) rem = (rem * 100 + (c - 55)) % 97;
    else return false;
  }
  return rem === 1;
}

/** SSA never issues area 000, 666 or 900-999, group 00 or serial 0000. */
export function ssnValid(area: string, group: string, serial: string): boolean {
  const a = Number(area);
  return a !== 0 && a !== 666 && a < 900 && group !== '00' && serial !== '0000';
}

/** Validates an IPv6 literal (with optional embedded IPv4 tail); compressed forms need a digit. */
export function ipv6Valid(s: string): boolean {
  if (s.length < 2 || s.length > 45) return false;
  const dbl = s.indexOf('::');
  if (dbl !== -1 && s.indexOf('::', dbl + 1) !== -1) return false;
  let groups = 0;
  let hasDigit = false;
  const parts = dbl === -1 ? [s] : [s.slice(0, dbl), s.slice(dbl + 2)];
  for (let p = 0; p < parts.length; p++) {
    const part = parts[p]!;
    if (part === '') continue;
    const fields = part.split(':');
    for (let f = 0; f < fields.length; f++) {
      const field = fields[f]!;
      const isLast = p === parts.length - 1 && f === fields.length - 1;
      if (isLast && field.includes('.')) {
        if (!ipv4Valid(field)) return false;
        groups += 2;
        hasDigit = true;
        continue;
      }
      if (field.length < 1 || field.length > 4) return false;
      for (let i = 0; i < field.length; i++) {
        const c = field.charCodeAt(i);
        if (c >= 48 && c <= 57) hasDigit = true;
        else if (!((c >= 97 && c <= 102) || (c >= 65 && c <= 70))) return false;
      }
      groups++;
    }
  }
  if (dbl === -1) return groups === 8;
  // Words made only of a-f letters around `::` (C++ `dead::beef`) are code, not addresses.
  return groups < 8 && hasDigit;
}

export function ipv4Valid(s: string): boolean {
  const parts = s.split('.');
  if (parts.length !== 4) return false;
  for (const p of parts) {
    if (p.length < 1 || p.length > 3 || (p.length > 1 && p[0] === '0')) return false;
    for (let i = 0; i < p.length; i++) {
      const c = p.charCodeAt(i);
      if (c < 48 || c > 57) return false;
    }
    if (Number(p) > 255) return false;
  }
  return true;
}

function b64urlDecode(s: string): string | undefined {
  try {
    return Buffer.from(s.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
  } catch {
    return undefined;
  }
}

/** A JWT's first segment must decode to a JSON object naming an algorithm. */
export function jwtHeaderValid(segment: string): boolean {
  const text = b64urlDecode(segment);
  if (text === undefined || text[0] !== '{') return false;
  try {
    const header: unknown = JSON.parse(text);
    return typeof header === 'object' && header !== null && 'alg' in header;
  } catch {
    return false;
  }
}

/** `Basic` credentials are base64 of `user:password`; prose after the word "Basic" is not. */
export function basicCredentialValid(b64: string): boolean {
  if (b64.length < 8 || b64.length % 4 === 1) return false;
  const text = b64urlDecode(b64);
  if (text === undefined) return false;
  const colon = text.indexOf(':');
  if (colon < 1) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 32 || c === 0xfffd) return false;
  }
  return true;
}
