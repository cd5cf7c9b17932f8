import { setAttribute } from '../otlp/model.js';
import type { Attributes, AttributeValue } from '../storage/types.js';

export const TRUNCATION_MARKER = '…[truncated]';

/**
 * Applies a tenant's attribute limits: strings longer than `maxLength` are cut with a marker, and
 * attributes past `maxCount` are dropped (counted by the caller, never silent).
 */
export function limitAttributes(
  attrs: Attributes,
  maxCount: number,
  maxLength: number,
): { attributes: Attributes; dropped: number; truncated: number } {
  let dropped = 0;
  let truncated = 0;
  let n = 0;
  // Copied only once something changes: almost every span is within its limits.
  let out: Attributes | null = null;
  for (const k in attrs) {
    if (n >= maxCount) {
      out ??= copyUntil(attrs, k);
      dropped++;
      continue;
    }
    n++;
    const v = attrs[k]!;
    let cut: string | null = null;
    if (typeof v === 'string' && v.length > maxLength) {
      cut = v.slice(0, maxLength) + TRUNCATION_MARKER;
    } else if (typeof v === 'object' && v !== null) {
      const json = JSON.stringify(v);
      if (json.length > maxLength) cut = json.slice(0, maxLength) + TRUNCATION_MARKER;
    }
    if (cut !== null) {
      out ??= copyUntil(attrs, k);
      setAttribute(out, k, cut);
      truncated++;
    } else if (out) setAttribute(out, k, v);
  }
  return { attributes: out ?? attrs, dropped, truncated };
}

/** The attributes before `stop`, in order. */
function copyUntil(attrs: Attributes, stop: string): Attributes {
  const out: Attributes = {};
  for (const k in attrs) {
    if (k === stop) break;
    setAttribute(out, k, attrs[k]!);
  }
  return out;
}

export function asString(v: AttributeValue | undefined): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

export function asNumber(v: AttributeValue | undefined): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return null;
}

/** Log bodies may be any AnyValue; stored as text (JSON for structured bodies). */
export function bodyToText(body: AttributeValue): string {
  if (body === null) return '';
  return typeof body === 'string' ? body : JSON.stringify(body);
}
