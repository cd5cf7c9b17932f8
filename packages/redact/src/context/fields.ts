/**
 * Field-level detection: in tool arguments and JSON the key says what the value is
 * (`first_name`, `shipping_address`, `dob`, `medications`), so the whole value is the finding
 * when it has the right shape. `name` alone is too generic (tools, spans, services all have one):
 * its value must look like a person's name, starting with a known given name.
 */
import { normalizeKey } from '../policy/keys.js';
import { isWholeDate } from './dates.js';
import { FIRST, FIRST_AMBIGUOUS, hashWord, LEXICON, NOT_SURNAME } from './lexicon.js';
import type { ContextThresholds } from './pass.js';
import { capitalisedEnd, isDigit, isLetter } from './tokens.js';
import { ADDRESS_KEYS, BIRTH_KEYS, HEALTH_KEYS, PERSON_KEYS } from './words.js';

export type FieldType = keyof ContextThresholds;

const KEYS = new Map<string, FieldType | 'GENERIC_NAME'>();
for (const k of PERSON_KEYS) KEYS.set(k, 'PERSON');
for (const k of ADDRESS_KEYS) KEYS.set(k, 'ADDRESS');
for (const k of BIRTH_KEYS) KEYS.set(k, 'DATE_OF_BIRTH');
for (const k of HEALTH_KEYS) KEYS.set(k, 'HEALTH');
KEYS.set('name', 'GENERIC_NAME');

const cache = new Map<string, FieldType | 'GENERIC_NAME' | null>();

/** What a key announces, if anything (cached: keys repeat). */
export function fieldTypeOf(key: string): FieldType | 'GENERIC_NAME' | undefined {
  let t = cache.get(key);
  if (t === undefined) {
    const norm = normalizeKey(key);
    // Dotted attribute names: `user.first_name`, `customer.address` are judged by the last part.
    const dot = key.lastIndexOf('.');
    t =
      KEYS.get(norm) ?? (dot >= 0 ? KEYS.get(normalizeKey(key.slice(dot + 1))) : undefined) ?? null;
    if (
      t === 'GENERIC_NAME' &&
      dot >= 0 &&
      !/^(user|customer|patient|contact|person|owner)\.name$/i.test(key)
    ) {
      // `service.name`, `gen_ai.tool.name`: names of things, not of people.
      t = null;
    }
    if (cache.size < 4096) cache.set(key, t);
  }
  return t ?? undefined;
}

/** All tokens letters (with `'`, `-`, `.`), 1-4 of them, no digits, no snake/camel case code. */
function nameTokens(v: string): string[] | undefined {
  const t = v.trim();
  if (t.length < 2 || t.length > 80) return undefined;
  const parts = t.split(/\s+/);
  if (parts.length > 4) return undefined;
  for (const p of parts) {
    for (let i = 0; i < p.length; i++) {
      const c = p.charCodeAt(i);
      if (!(isLetter(c) || c === 39 || c === 45 || c === 46 || c === 0x2019)) return undefined;
    }
  }
  return parts;
}

function looksLikePersonName(v: string, generic: boolean): boolean {
  const parts = nameTokens(v);
  if (parts === undefined) return false;
  if (!generic) return true;
  // Generic `name`: "Jane Doe" or "Jordan Lee", never "Claude", "get_account_data", "Checkout".
  if (parts.length < 2) return false;
  const first = parts[0]!;
  const flags = LEXICON.lookup(first, 0, first.length, hashWord(first));
  if ((flags & (FIRST | FIRST_AMBIGUOUS)) === 0 || (flags & NOT_SURNAME) !== 0) return false;
  for (const p of parts.slice(1)) {
    if (capitalisedEnd(p, 0) === -1) return false;
    if ((LEXICON.lookup(p, 0, p.length, hashWord(p)) & NOT_SURNAME) !== 0) return false;
  }
  return true;
}

const EMPTYISH = new Set(['none', 'n/a', 'na', 'null', 'unknown', '-', 'no', 'false', 'true']);

/**
 * The type and confidence of a whole field value under a key that announced `t`, or undefined
 * when the value does not have that type's shape (an id under `customer`, `true` under `allergies`).
 */
export function classifyField(
  t: FieldType | 'GENERIC_NAME',
  v: string,
): { type: FieldType; score: number } | undefined {
  switch (t) {
    case 'PERSON':
      return looksLikePersonName(v, false) ? { type: 'PERSON', score: 0.9 } : undefined;
    case 'GENERIC_NAME':
      return looksLikePersonName(v, true) ? { type: 'PERSON', score: 0.8 } : undefined;
    case 'ADDRESS': {
      let digit = false;
      let letter = false;
      for (let i = 0; i < v.length; i++) {
        const c = v.charCodeAt(i);
        if (isDigit(c)) digit = true;
        else if (isLetter(c)) letter = true;
      }
      return digit && letter && /\S\s+\S/.test(v) ? { type: 'ADDRESS', score: 0.9 } : undefined;
    }
    case 'DATE_OF_BIRTH':
      return isWholeDate(v) ? { type: 'DATE_OF_BIRTH', score: 0.95 } : undefined;
    case 'HEALTH': {
      const s = v.trim();
      if (s.length < 3 || EMPTYISH.has(s.toLowerCase()) || !/\p{L}{3}/u.test(s)) return undefined;
      return { type: 'HEALTH', score: 0.85 };
    }
  }
}

/** True when some `"key":` in the JSON text is a field key (so a clean-looking JSON is still parsed). */
export function hasFieldJsonKey(s: string): boolean {
  let i = s.indexOf(':');
  while (i !== -1) {
    let e = i - 1;
    while (e > 0 && s.charCodeAt(e) <= 32) e--;
    if (s.charCodeAt(e) === 34) {
      let b = e - 1;
      while (b >= 0 && e - b <= 64 && s.charCodeAt(b) !== 34) b--;
      if (b >= 0 && s.charCodeAt(b) === 34 && fieldTypeOf(s.slice(b + 1, e)) !== undefined) {
        return true;
      }
    }
    i = s.indexOf(':', i + 1);
  }
  return false;
}
