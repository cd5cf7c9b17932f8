import { expect } from 'vitest';

/** GETs a query API path with a key and expects 200. */
export async function getJson<T>(url: string, key: string, path: string): Promise<T> {
  const res = await fetch(url + path, { headers: { authorization: `Bearer ${key}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

/**
 * Non-integers to 12 significant digits, so answers of two engines (or of shards) compare equal:
 * float sums depend on summation order.
 */
export function approx(v: unknown): unknown {
  if (typeof v === 'number' && !Number.isInteger(v)) return Number(v.toPrecision(12));
  if (Array.isArray(v)) return v.map(approx);
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, approx(x)]));
  }
  return v;
}
