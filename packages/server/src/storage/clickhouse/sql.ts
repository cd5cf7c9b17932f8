import type { TenantScope } from '../types.js';

/**
 * SQL text for ClickHouse. 18.16 has no server-side query parameters ({name:Type} arrived in
 * 19.x), so every value is rendered as an escaped literal here, in one place, and nowhere else.
 */

export type SqlValue = string | number | bigint | boolean | null;

/** A value as a ClickHouse literal. Strings escape backslash, quote and NUL. */
export function lit(v: SqlValue): string {
  if (v === null) return 'NULL';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new RangeError(`not a finite number: ${v}`);
    return String(v);
  }
  return `'${v.replace(/[\\'\0]/g, (c) => (c === '\0' ? '\\0' : `\\${c}`))}'`;
}

/**
 * Replaces each `?` outside string literals in `sql` with the next value as a literal, so a
 * fragment that already holds rendered literals (which may contain `?`) binds correctly.
 */
export function bind(sql: string, values: readonly SqlValue[]): string {
  let i = 0;
  let out = '';
  let quoted = false;
  for (let p = 0; p < sql.length; p++) {
    const c = sql[p]!;
    if (quoted) {
      out += c;
      if (c === '\\') out += sql[++p] ?? '';
      else if (c === "'") quoted = false;
    } else if (c === "'") {
      quoted = true;
      out += c;
    } else if (c === '?') {
      if (i >= values.length) throw new Error(`too few values for: ${sql}`);
      out += lit(values[i++]!);
    } else {
      out += c;
    }
  }
  if (i !== values.length) throw new Error(`too many values for: ${sql}`);
  return out;
}

export function litList(values: readonly SqlValue[]): string {
  return values.map(lit).join(', ');
}

/** The whole fleet, on purpose: only for platform-level callers (alerts, retention, admin). */
export const ALL_TENANTS: TenantScope = Object.freeze({ tenantId: null });

/**
 * The one WHERE builder. It is born with its scope: a tenant-bound scope puts
 * `tenant_id = '<tenant>'` first, and parts can only be appended, so no SQL built from it can
 * lack the tenant predicate.
 */
export class Where {
  private readonly parts: string[] = [];

  constructor(
    readonly scope: TenantScope,
    readonly tenantColumn = 'tenant_id',
  ) {
    if (scope.tenantId !== null) this.parts.push(`${tenantColumn} = ${lit(scope.tenantId)}`);
  }

  add(sql: string, ...values: SqlValue[]): this {
    this.parts.push(bind(sql, values));
    return this;
  }

  get sql(): string {
    if (this.scope.tenantId !== null && !this.parts[0]?.startsWith(`${this.tenantColumn} = `)) {
      throw new Error('a tenant-bound query lost its tenant predicate');
    }
    return this.parts.length ? `WHERE ${this.parts.join(' AND ')}` : '';
  }
}

/** Case-insensitive substring test, the ClickHouse spelling of DuckDB's `ILIKE '%q%'`. */
export function containsCi(column: string, text: string): string {
  return `positionCaseInsensitiveUTF8(${column}, ${lit(text)}) > 0`;
}

/** `LIMIT offset, count`: the form every ClickHouse version accepts. */
export function limit(count: number, offset = 0): string {
  return `LIMIT ${Math.max(0, Math.trunc(offset))}, ${Math.max(0, Math.trunc(count))}`;
}
