/**
 * Postal addresses by structure: a house number and a street type are required, so a number
 * followed by words (`3 Way merge`, `500 tests`) is not an address.
 * - US/UK: `221B Baker Street`, `1600 Pennsylvania Ave NW, Washington, DC 20500`, `10 Downing
 *   Street, London SW1A 2AA`
 * - FR/ES/IT: `12 rue de Rivoli, 75001 Paris`, `3 bis avenue Foch`
 * - DE: `Hauptstraße 5, 10115 Berlin`, `Berliner Str. 12a`
 */
import {
  hashWord,
  LEXICON,
  lower,
  NOT_SURNAME,
  STREET_DE,
  STREET_PREFIX,
  STREET_SUFFIX,
} from './lexicon.js';
import {
  capitalisedEnd,
  digitsEnd,
  isAlnum,
  isDigit,
  isLetter,
  isUpper,
  skipSpaces,
  wordEnd,
  wordIs,
} from './tokens.js';

function flagsOf(s: string, i: number, e: number): number {
  return LEXICON.lookup(s, i, e, hashWord(s.slice(i, e)));
}

/** `12`, `12a`, `12-14`, `3 bis`: the end of a house number, or -1. */
function houseNumber(s: string, i: number): number {
  let e = digitsEnd(s, i);
  if (e - i < 1 || e - i > 5) return -1;
  if (s.charCodeAt(e) === 45 && isDigit(s.charCodeAt(e + 1))) e = digitsEnd(s, e + 1);
  const c = s.charCodeAt(e);
  if (isLetter(c) && !isLetter(s.charCodeAt(e + 1))) e++;
  else if (isAlnum(c)) return -1;
  const p = skipSpaces(s, e);
  if (wordIs(s, p, 'bis') || wordIs(s, p, 'ter')) e = p + 3;
  return e;
}

/** Particles inside street names: `rue de la Paix`, `Avenue of the Americas`. */
const PARTICLES = ['de', 'du', 'des', 'la', 'le', 'les', "l'", "d'", 'del', 'di', 'of', 'the'];

function particleEnd(s: string, i: number): number {
  for (const w of PARTICLES) {
    if (w.endsWith("'")) {
      if (wordIs(s, i, w.slice(0, -1)) === false && lower(s.charCodeAt(i)) === w.charCodeAt(0)) {
        const c = s.charCodeAt(i + 1);
        if (c === 39 || c === 0x2019) return i + 2;
      }
    } else if (wordIs(s, i, w)) return i + w.length;
  }
  return -1;
}

/** `5th`, `42nd`: ordinals in US street names. */
function ordinalEnd(s: string, i: number): number {
  const e = digitsEnd(s, i);
  if (e === i || e - i > 3) return -1;
  for (const suf of ['st', 'nd', 'rd', 'th']) if (wordIs(s, e, suf)) return e + 2;
  return -1;
}

/** A street type after at least one name word (`Baker Street`, `5th Ave`): the end, or -1. */
function suffixStreet(s: string, i: number): number {
  let p = i;
  let names = 0;
  for (let w = 0; w < 5; w++) {
    const e = wordEnd(s, p);
    // Capitalised street types only: `404 To row be` is prose, `12 Baker Street` an address.
    const f = e > p && isUpper(s.charCodeAt(p)) ? flagsOf(s, p, e) : 0;
    if (names > 0 && (f & STREET_SUFFIX) !== 0) return s.charCodeAt(e) === 46 ? e + 1 : e;
    if ((f & NOT_SURNAME) !== 0) return -1;
    const cap = capitalisedEnd(s, p);
    const next = cap !== -1 ? cap : ordinalEnd(s, p);
    if (next === -1) return -1;
    names++;
    p = skipSpaces(s, next);
    if (p === next) return -1;
  }
  return -1;
}

/** A street type before the name (`rue de Rivoli`): the end, or -1. */
function prefixStreet(s: string, i: number): number {
  const e = wordEnd(s, i);
  if (e === i || (flagsOf(s, i, e) & STREET_PREFIX) === 0) return -1;
  let p = skipSpaces(s, s.charCodeAt(e) === 46 ? e + 1 : e);
  let end = -1;
  for (let w = 0; w < 6; w++) {
    const part = particleEnd(s, p);
    if (part !== -1) {
      p = skipSpaces(s, part);
      continue;
    }
    const cap = capitalisedEnd(s, p);
    if (cap === -1) break;
    end = cap;
    p = skipSpaces(s, cap);
  }
  return end;
}

/** `, Apt 4B`, ` Suite 200`, `, Flat 2`, `, #12`. */
function unit(s: string, i: number): number {
  let p = s.charCodeAt(i) === 44 ? i + 1 : i;
  p = skipSpaces(s, p);
  if (s.charCodeAt(p) === 35 && isDigit(s.charCodeAt(p + 1))) return digitsEnd(s, p + 1);
  for (const w of ['apt', 'apartment', 'suite', 'ste', 'unit', 'flat', 'floor']) {
    if (wordIs(s, p, w)) {
      let q = skipSpaces(s, p + w.length + (s.charCodeAt(p + w.length) === 46 ? 1 : 0));
      const e = wordEnd(s, digitsEnd(s, q));
      if (e === q || !isAlnum(s.charCodeAt(q))) return i;
      q = e;
      return q;
    }
  }
  return i;
}

/** `SW1A 2AA`, `M1 1AE`: a UK postcode at `i`, its end or -1. */
function ukPostcode(s: string, i: number): number {
  let p = i;
  let letters = 0;
  while (letters < 2 && isUpper(s.charCodeAt(p)) && s.charCodeAt(p) < 128) {
    p++;
    letters++;
  }
  if (letters === 0 || !isDigit(s.charCodeAt(p))) return -1;
  p++;
  const c = s.charCodeAt(p);
  if ((isDigit(c) || (c >= 65 && c <= 90)) && s.charCodeAt(p) !== 32) p++;
  if (s.charCodeAt(p) === 32) p++;
  if (!isDigit(s.charCodeAt(p))) return -1;
  const a = s.charCodeAt(p + 1);
  const b = s.charCodeAt(p + 2);
  if (!(a >= 65 && a <= 90 && b >= 65 && b <= 90) || isAlnum(s.charCodeAt(p + 3))) return -1;
  return p + 3;
}

/** `62704`, `62704-1234`, `75001`, `10115`: 5-digit postal codes. */
function zip(s: string, i: number): number {
  const e = digitsEnd(s, i);
  if (e - i !== 5) return -1;
  if (s.charCodeAt(e) === 45 && digitsEnd(s, e + 1) - e - 1 === 4) return e + 5;
  return isAlnum(s.charCodeAt(e)) ? -1 : e;
}

/** Up to three capitalised words (a city): the end, or -1. */
function city(s: string, i: number): number {
  let end = -1;
  let p = i;
  for (let w = 0; w < 3; w++) {
    const e = capitalisedEnd(s, p);
    if (e === -1 || (flagsOf(s, p, e) & NOT_SURNAME) !== 0) break;
    end = e;
    const q = skipSpaces(s, e);
    if (q === e) break;
    p = q;
  }
  return end;
}

/** `, Springfield, IL 62704` / `, London SW1A 2AA` / `, 75001 Paris` / `, Springfield.` */
function locality(s: string, i: number): number {
  let p = s.charCodeAt(i) === 44 ? i + 1 : i;
  p = skipSpaces(s, p);
  if (p === i) return i;
  const z = zip(s, p);
  if (z !== -1) {
    const c = city(s, skipSpaces(s, z));
    return c !== -1 ? c : z;
  }
  const uk = ukPostcode(s, p);
  if (uk !== -1) return uk;
  const c = city(s, p);
  if (c === -1) return i;
  let q = s.charCodeAt(c) === 44 ? c + 1 : c;
  q = skipSpaces(s, q);
  const post = ukPostcode(s, q);
  if (post !== -1) return post;
  // US state and ZIP: `IL 62704`, `DC 20500`.
  const a = s.charCodeAt(q);
  const b = s.charCodeAt(q + 1);
  if (a >= 65 && a <= 90 && b >= 65 && b <= 90 && s.charCodeAt(q + 2) === 32) {
    const z2 = zip(s, q + 3);
    if (z2 !== -1) return z2;
  }
  // A city alone only at the end of the phrase, so a following sentence is not swallowed.
  const after = s.charCodeAt(c);
  return Number.isNaN(after) || after === 46 || after === 10 || after === 41 || after === 59
    ? c
    : i;
}

export interface AddressHit {
  end: number;
  /** Confidence from structure alone: a locality after the street raises it. */
  score: number;
}

/** An address whose house number starts at `i` (US, UK, FR style). */
export function addressFromNumber(s: string, i: number): AddressHit | undefined {
  const n = houseNumber(s, i);
  if (n === -1) return undefined;
  let p = skipSpaces(s, s.charCodeAt(n) === 44 ? n + 1 : n);
  if (p === n) return undefined;
  let street = prefixStreet(s, p);
  if (street === -1) street = suffixStreet(s, p);
  if (street === -1) return undefined;
  // Street directions: `Ave NW`.
  p = skipSpaces(s, street);
  for (const d of ['nw', 'ne', 'sw', 'se', 'n', 's', 'e', 'w']) {
    if (wordIs(s, p, d) && isUpper(s.charCodeAt(p))) {
      street = p + d.length;
      break;
    }
  }
  return finish(s, street);
}

/** A German address starting at a capitalised word (`Hauptstraße 5`, `Berliner Str. 12a`). */
export function addressFromStreetName(
  s: string,
  i: number,
  wordEndAt: number,
): AddressHit | undefined {
  let p = wordEndAt;
  if ((flagsOf(s, i, p) & STREET_DE) === 0 && !germanSuffix(s, i, p)) {
    // `Berliner Straße 12`: an adjective, then the street word.
    const q = skipSpaces(s, p);
    const e = wordEnd(s, q);
    if (q === p || e === q || !isUpper(s.charCodeAt(q)) || (flagsOf(s, q, e) & STREET_DE) === 0) {
      return undefined;
    }
    p = e;
  }
  if (s.charCodeAt(p) === 46) p++;
  const q = skipSpaces(s, p);
  if (q === p) return undefined;
  const n = houseNumber(s, q);
  if (n === -1) return undefined;
  return finish(s, n);
}

const DE_SUFFIXES = ['straße', 'strasse', 'str', 'weg', 'allee', 'platz', 'gasse', 'ring', 'damm'];

function germanSuffix(s: string, i: number, e: number): boolean {
  for (const suf of DE_SUFFIXES) {
    const a = e - suf.length;
    // A stem of 4+ letters: `Kaiserring`, `Lindenweg`, never `String` or `During`.
    if (a < i + 4) continue;
    let k = 0;
    while (k < suf.length && lower(s.charCodeAt(a + k)) === suf.charCodeAt(k)) k++;
    if (k === suf.length) return true;
  }
  return false;
}

function finish(s: string, streetEnd: number): AddressHit | undefined {
  // `main.street.ts`, `road/42`: code, not an address.
  const c = s.charCodeAt(streetEnd);
  if ((c === 47 || c === 95 || c === 46) && isAlnum(s.charCodeAt(streetEnd + 1))) return undefined;
  let e = unit(s, streetEnd);
  const l = locality(s, e);
  const withLocality = l > e;
  e = l;
  return { end: e, score: withLocality ? 0.9 : 0.7 };
}
