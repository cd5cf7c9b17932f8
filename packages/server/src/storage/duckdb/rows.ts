import { createHash } from 'node:crypto';

export { logFromColumns as logFromRow, spanFromColumns as spanFromRow } from '../columns.js';

/** Classified once at write time (storage/classify.ts), so aggregates read a boolean column. */
export const IS_LLM = 'is_llm';
export const IS_TOOL = 'is_tool';

/** Builds a WHERE clause with positional parameters; values never touch the SQL text. */
export class Where {
  readonly parts: string[] = [];
  readonly params: Array<string | number | bigint | boolean | null> = [];
  add(sql: string, ...values: Array<string | number | bigint | boolean | null>): this {
    this.parts.push(sql);
    this.params.push(...values);
    return this;
  }
  /**
   * Scopes a spans or logs query to one tenant. The key comparison is what lets DuckDB skip row
   * groups (see tenant_key in schema.ts); the id comparison makes a key collision harmless.
   */
  scope(tenantId: string | null, alias = ''): this {
    if (tenantId === null) return this;
    return this.add(
      `${alias}tenant_key = ?::UBIGINT AND ${alias}tenant_id = ?`,
      tenantKey(tenantId),
      tenantId,
    );
  }
  get sql(): string {
    return this.parts.length ? `WHERE ${this.parts.join(' AND ')}` : '';
  }
}

const tenantKeys = new Map<string, bigint>();

/** The first 8 bytes of md5(tenant id), read as DuckDB's md5_number_upper reads them. */
export function tenantKey(tenantId: string): bigint {
  let key = tenantKeys.get(tenantId);
  if (key === undefined) {
    key = createHash('md5').update(tenantId).digest().readBigUInt64LE(0);
    // Bounded: a fleet has thousands of tenants, not millions; past that, start over.
    if (tenantKeys.size >= 100_000) tenantKeys.clear();
    tenantKeys.set(tenantId, key);
  }
  return key;
}

export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * The first 64 bits of a hex trace id (0 for none); see the trace_key column in schema.ts. Compare
 * it as `trace_key = ?::UBIGINT`: uncast, a key below 2^63 binds as BIGINT (database.ts
 * paramTypes), not the column's UBIGINT, and the comparison becomes a per-row cast (3x slower at
 * 10M spans).
 */
export function traceKey(traceId: string): bigint {
  // Spans of one trace usually arrive together: remember the last one.
  if (traceId === lastTraceId) return lastTraceKey;
  const key = /^[0-9a-f]{16}/.test(traceId) ? BigInt(`0x${traceId.slice(0, 16)}`) : 0n;
  lastTraceId = traceId;
  lastTraceKey = key;
  return key;
}

let lastTraceId = '';
let lastTraceKey = 0n;
