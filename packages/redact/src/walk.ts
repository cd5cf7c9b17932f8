/**
 * Walks one value under one tenant's policy: strings are scanned, values under sensitive keys
 * replaced, JSON inside strings parsed and re-serialised; objects and arrays as walk-objects.ts
 * says (plain data is copied only where something changed). Limits (depth, node count, string length) bound the work
 * whatever the input; cycles become `[CIRCULAR]`.
 */
import * as actionsModule from './actions.js';
import * as combineModule from './context/combine.js';
import * as fieldsModule from './context/fields.js';
import * as checksumsModule from './detect/checksums.js';
import type { Match } from './detect/match.js';
import type { ResolvedPolicy } from './policy/config.js';
import * as textModule from './text.js';
import type { EntityType } from './types.js';
import * as objectsModule from './walk-objects.js';

// Local bindings: under tsx/vite-node an imported name is a getter call on every use, which
// costs more than the detectors themselves in the hot loop.
const { isMarker, replace } = actionsModule;
const { cardValid } = checksumsModule;
const { scanAll } = combineModule;
const { classifyField, fieldTypeOf, hasFieldJsonKey } = fieldsModule;
type FieldKey = NonNullable<ReturnType<typeof fieldsModule.fieldTypeOf>>;
const { hasSensitiveJsonKey, looksLikeJson, truncate } = textModule;
const { DROP, safeJson, SIZE_CUT, walkObject } = objectsModule;

export const FAILED = objectsModule.FAILED;

/** Text scanned beyond the cut, so a value straddling maxStringLength is still found whole. */
const CUT_LOOKAHEAD = 512;

/** Shared scan buffer (walking is synchronous and never re-enters a scan) and the empty result. */
const SCRATCH: Match[] = [];
const NONE: Match[] = [];

export class Walker implements objectsModule.ObjectWalker {
  readonly findings: Record<string, number> = {};
  nodes = 0;
  editCount = 0;
  ancestors: object[] | undefined;
  readonly maxNodes: number;
  readonly maxDepth: number;

  constructor(
    private readonly p: ResolvedPolicy,
    readonly plainData = false,
  ) {
    this.maxNodes = p.maxNodes;
    this.maxDepth = p.maxDepth;
  }

  private count(type: EntityType): void {
    this.findings[type] = (this.findings[type] ?? 0) + 1;
  }

  /** Redacts free text (no JSON detection). */
  text(s: string): string {
    const cut = s.length > this.p.maxStringLength;
    const work = cut ? s.slice(0, this.p.maxStringLength + CUT_LOOKAHEAD) : s;
    const matches = this.scan(work);
    let out = matches.length > 0 ? this.apply(work, matches) : work;
    if (cut) {
      this.editCount++;
      out = truncate(out, this.p.maxStringLength, s.length);
    }
    return out;
  }

  /** The units copy of the string scanned last (units.ts), valid until the next scan. */
  private units: Uint16Array | undefined;
  private scan(s: string): Match[] {
    // Most strings find nothing: then SCRATCH stays empty and nothing is allocated. (Emptying is
    // checked first so that even a scan that threw cannot leak its matches into the next one.)
    if (SCRATCH.length !== 0) SCRATCH.length = 0;
    this.units = scanAll(s, this.p, SCRATCH);
    if (SCRATCH.length === 0) return NONE;
    const found = SCRATCH.slice();
    SCRATCH.length = 0;
    return found;
  }

  private apply(s: string, matches: Match[]): string {
    let out = '';
    let last = 0;
    for (const m of matches) {
      this.count(m.type);
      const r = replace(
        m.type,
        s.slice(m.start, m.end),
        this.p.actions[m.type],
        this.p.tenantHashKey,
      );
      if (r === undefined) continue;
      out += s.slice(last, m.start) + r;
      last = m.end;
    }
    return out + s.slice(last);
  }

  /**
   * Redacts a string, parsing it first when it holds a JSON object or array. The raw text is
   * scanned first: JSON with no finding and no sensitive key is returned as is, unparsed, which
   * keeps small JSON attributes cheap. `scanned` passes matches already found for `s`.
   */
  string(s: string, depth: number, scanned?: Match[]): string {
    if (s.length > this.p.maxStringLength) return this.text(s);
    this.units = undefined; // set if this.scan runs: else hasSensitiveJsonKey copies the units
    const matches = scanned ?? this.scan(s);
    if (
      this.p.parseJsonStrings &&
      looksLikeJson(s) &&
      (matches.length > 0 ||
        hasSensitiveJsonKey(s, this.p.keys, this.units) ||
        (this.p.context !== undefined && hasFieldJsonKey(s)))
    ) {
      let parsed: unknown;
      let ok = false;
      try {
        parsed = JSON.parse(s);
        ok = typeof parsed === 'object' && parsed !== null;
      } catch {
        ok = false;
      }
      if (ok) {
        const before = this.edits();
        const redacted = this.value(parsed, depth + 1);
        if (this.edits() !== before) return JSON.stringify(redacted);
        // Nothing found in the parsed value, yet the raw text had findings (a card number too
        // long for a double, a match across JSON syntax): redact the text itself, never leak it.
        return matches.length > 0 ? this.apply(s, matches) : s;
      }
    }
    return matches.length > 0 ? this.apply(s, matches) : s;
  }

  private edits(): number {
    let n = this.editCount;
    for (const k in this.findings) n += this.findings[k]!;
    return n;
  }

  value(v: unknown, depth: number): unknown {
    if (++this.nodes > this.p.maxNodes) {
      this.editCount++;
      return SIZE_CUT;
    }
    switch (typeof v) {
      case 'string':
        return this.string(v, depth);
      case 'object':
        if (v === null) return v;
        return walkObject(this, v, depth);
      case 'number':
        return v >= 1e12 && Number.isSafeInteger(v) ? this.numberValue(v) : v;
      default:
        return v;
    }
  }

  /** A card number stored as a JSON number (`{"card": 4111111111111111}`) is still a card. */
  private numberValue(v: number): unknown {
    const d = String(v);
    if (!cardValid(d)) return v;
    this.count('CREDIT_CARD');
    return replace('CREDIT_CARD', d, this.p.actions.CREDIT_CARD, this.p.tenantHashKey) ?? v;
  }

  /** A value under a key that announces a context type (`first_name`, `address`, `dob`). */
  private field(t: FieldKey, v: unknown, depth: number): unknown {
    // `medications: ["metformin", "lisinopril"]`: each string is judged as the field's value.
    if (
      Array.isArray(v) &&
      depth < this.p.maxDepth &&
      v.length <= 64 &&
      this.nodes < this.maxNodes
    ) {
      this.nodes++;
      return v.map((x) =>
        typeof x === 'string' ? this.field(t, x, depth + 1) : this.value(x, depth + 1),
      );
    }
    const hit = typeof v === 'string' && !isMarker(v) ? classifyField(t, v) : undefined;
    const ctx = this.p.context;
    if (hit === undefined || ctx === undefined || hit.score < ctx[hit.type]) {
      return this.value(v, depth + 1);
    }
    this.nodes++;
    this.count(hit.type);
    return replace(hit.type, v as string, this.p.actions[hit.type], this.p.tenantHashKey) ?? v;
  }

  property(key: string, v: unknown, depth: number): unknown {
    const action = this.p.actions.SENSITIVE_KEY;
    if (action === 'allow' || !this.p.keys.has(key)) {
      if (this.p.context !== undefined) {
        const field = fieldTypeOf(key);
        if (field !== undefined) return this.field(field, v, depth);
      }
      return this.value(v, depth + 1);
    }
    // Empty values and our own markers reveal nothing.
    if (v === null || v === undefined || v === '' || (typeof v === 'string' && isMarker(v)))
      return v;
    this.count('SENSITIVE_KEY');
    if (action === 'drop') return DROP;
    const text = typeof v === 'string' ? v : safeJson(v);
    return replace('SENSITIVE_KEY', text, action, this.p.tenantHashKey);
  }
}
