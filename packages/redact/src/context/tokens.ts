/** Character and token helpers of the context detectors (Latin scripts: EN, DE, FR, ES...). */

/** A letter: ASCII, Latin-1 Supplement and Latin Extended-A/B (no ×, ÷). */
export function isLetter(c: number): boolean {
  if (c < 128) return (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
  return c >= 0xc0 && c <= 0x24f && c !== 0xd7 && c !== 0xf7;
}

export function isUpper(c: number): boolean {
  if (c < 128) return c >= 65 && c <= 90;
  if (c >= 0xc0 && c <= 0xde) return c !== 0xd7;
  return c >= 0x100 && c <= 0x17f && (c & 1) === 0;
}

export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

export function isAlnum(c: number): boolean {
  return isDigit(c) || isLetter(c);
}

/** Apostrophes inside words: `O'Brien`, `Crohn's`, `I’m`. */
export function isApostrophe(c: number): boolean {
  return c === 39 || c === 0x2019;
}

/** End of the word starting at `i` (letters, inner apostrophes). */
export function wordEnd(s: string, i: number): number {
  let p = i;
  for (;;) {
    const c = s.charCodeAt(p);
    if (isLetter(c)) p++;
    else if (isApostrophe(c) && isLetter(s.charCodeAt(p + 1)) && p > i) p++;
    else return p;
  }
}

/** End of the digit run starting at `i`. */
export function digitsEnd(s: string, i: number): number {
  let p = i;
  while (isDigit(s.charCodeAt(p))) p++;
  return p;
}

/** Skips spaces and tabs (not newlines: a line break ends a name or an address line). */
export function skipSpaces(s: string, i: number): number {
  let p = i;
  for (;;) {
    const c = s.charCodeAt(p);
    if (c === 32 || c === 9 || c === 0xa0) p++;
    else return p;
  }
}

/** True when `s[i, i+w.length)` equals the lower-case ASCII word `w`, ignoring case. */
export function wordIs(s: string, i: number, w: string): boolean {
  for (let k = 0; k < w.length; k++) {
    let c = s.charCodeAt(i + k);
    if (c >= 65 && c <= 90) c += 32;
    if (c !== w.charCodeAt(k)) return false;
  }
  return !isLetter(s.charCodeAt(i + w.length));
}

/**
 * A capitalised word at `i` (`Doe`, `O'Brien`, `Müller`, `Smith-Jones`): its end, or -1. All-caps
 * words of 2+ letters (`API`, `SDK`) are not names.
 */
export function capitalisedEnd(s: string, i: number): number {
  if (!isUpper(s.charCodeAt(i))) return -1;
  let e = wordEnd(s, i);
  if (e - i < 2) return -1;
  // Double-barrelled names: `Smith-Jones`.
  if (s.charCodeAt(e) === 45 && isUpper(s.charCodeAt(e + 1))) {
    const e2 = wordEnd(s, e + 1);
    if (e2 - e > 2) e = e2;
  }
  let lowerSeen = false;
  for (let k = i + 1; k < e; k++) {
    const c = s.charCodeAt(k);
    if (isLetter(c) && !isUpper(c)) {
      lowerSeen = true;
      break;
    }
  }
  return lowerSeen ? e : -1;
}
