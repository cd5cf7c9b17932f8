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
  scope(tenantId: string | null, column = 'tenant_id'): this {
    if (tenantId !== null) this.add(`${column} = ?`, tenantId);
    return this;
  }
  get sql(): string {
    return this.parts.length ? `WHERE ${this.parts.join(' AND ')}` : '';
  }
}

export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * The first 64 bits of a hex trace id (0 for none); see the trace_key column in schema.ts. Compare
 * it as `trace_key = ?::UBIGINT`: an uncast bigint parameter binds as BIGINT and turns the scan into
 * a per-row cast (3x slower at 10M spans).
 */
export function traceKey(traceId: string): bigint {
  return /^[0-9a-f]{16}/.test(traceId) ? BigInt(`0x${traceId.slice(0, 16)}`) : 0n;
}
