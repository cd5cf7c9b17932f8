import { transitionFromColumns } from '../columns.js';
import { decodeOffsetCursor, encodeOffsetCursor } from '../cursor.js';
import type {
  AlertRuleRecord,
  AlertStateName,
  AlertStateRecord,
  AlertStore,
  ApiKeyRecord,
  KeyStore,
  TenantScope,
} from '../types.js';
import { type DuckDb, num, numOrNull, type Row, strOrNull } from './database.js';

/** API keys and alert state live beside the telemetry, so every server process shares them. */
export function duckKeyStore(db: DuckDb): KeyStore {
  const toKey = (r: Row): ApiKeyRecord => ({
    id: String(r.id),
    hash: String(r.hash),
    prefix: String(r.prefix),
    kind: String(r.kind) as ApiKeyRecord['kind'],
    tenantId: strOrNull(r.tenant_id),
    name: String(r.name),
    createdAt: String(r.created_at),
    revokedAt: strOrNull(r.revoked_at),
  });
  // Every request looks its key up; a DuckDB query costs the event loop about 1 ms, as much as
  // decoding a 512-span request. Only this process writes the file, so a cache cleared on every
  // key write is exact: a revoked key is refused from the request after revokeKey returns. A
  // lookup that began before a write must not refill the cache with what it read (`generation`).
  const cache = new Map<string, ApiKeyRecord>();
  let generation = 0;
  const changed = () => {
    generation++;
    cache.clear();
  };
  return {
    async insertKey(k) {
      await db.exec('INSERT INTO api_keys VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
        k.id,
        k.hash,
        k.prefix,
        k.kind,
        k.tenantId,
        k.name,
        k.createdAt,
        k.revokedAt,
      ]);
      changed();
    },
    async listKeys() {
      return (await db.query('SELECT * FROM api_keys ORDER BY created_at, id')).map(toKey);
    },
    async findKeyByHash(hash) {
      const cached = cache.get(hash);
      if (cached) return cached;
      const seen = generation;
      const rows = await db.query('SELECT * FROM api_keys WHERE hash = ?', [hash]);
      const key = rows[0] ? toKey(rows[0]) : null;
      // Unknown hashes are not cached: anyone can send those, without bound.
      if (key && seen === generation && cache.size < 10_000) cache.set(hash, key);
      return key;
    },
    async revokeKey(id, revokedAt) {
      const n = await db.change(
        'UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL',
        [revokedAt, id],
      );
      changed();
      return n > 0;
    },
  };
}

export function duckAlertStore(db: DuckDb): AlertStore {
  return {
    async loadAlertStates() {
      const rows = await db.query('SELECT * FROM alert_states');
      return rows.map(
        (r): AlertStateRecord => ({
          ruleId: String(r.rule_id),
          tenantId: String(r.tenant_id),
          state: String(r.state) as AlertStateName,
          since: num(r.since),
          lastEvaluated: num(r.last_evaluated),
          value: num(r.value),
          threshold: num(r.threshold),
          lastNotifiedAt: numOrNull(r.last_notified_at),
          exampleTraceId: strOrNull(r.example_trace_id),
          ruleSnapshot: strOrNull(r.rule_snapshot),
          suspect: strOrNull(r.suspect),
        }),
      );
    },
    async saveAlertStates(states) {
      if (states.length === 0) return;
      await db.exec('BEGIN TRANSACTION');
      try {
        for (const s of states) {
          await db.exec(
            `INSERT OR REPLACE INTO alert_states (tenant_id, rule_id, state, since,
               last_evaluated, value, threshold, last_notified_at, example_trace_id, rule_snapshot,
               suspect)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
            [
              s.tenantId,
              s.ruleId,
              s.state,
              BigInt(s.since),
              BigInt(s.lastEvaluated),
              s.value,
              s.threshold,
              s.lastNotifiedAt === null ? null : BigInt(s.lastNotifiedAt),
              s.exampleTraceId,
              s.ruleSnapshot,
              s.suspect,
            ],
          );
        }
        await db.exec('COMMIT');
      } catch (err) {
        await db.exec('ROLLBACK').catch(() => {});
        throw err;
      }
    },
    async deleteAlertStates(ruleId) {
      await db.exec('DELETE FROM alert_states WHERE rule_id = ?', [ruleId]);
    },
    async appendAlertTransitions(transitions) {
      if (transitions.length === 0) return;
      const appender = await db.writer.createAppender('alert_transitions');
      for (const t of transitions) {
        appender.appendVarchar(t.tenantId);
        appender.appendVarchar(t.ruleId);
        appender.appendVarchar(t.from);
        appender.appendVarchar(t.to);
        appender.appendBigInt(BigInt(t.at));
        appender.appendDouble(t.value);
        appender.appendDouble(t.threshold);
        appender.endRow();
      }
      appender.closeSync();
    },
    async listAlertTransitions(scope: TenantScope, q) {
      const offset = decodeOffsetCursor(q.cursor);
      const where: string[] = ['at_ms >= ?', 'at_ms < ?'];
      const params: Array<string | bigint> = [
        BigInt(q.fromMs ?? 0),
        BigInt(q.toMs ?? Number.MAX_SAFE_INTEGER),
      ];
      if (scope.tenantId !== null) {
        where.unshift('tenant_id = ?');
        params.unshift(scope.tenantId);
      }
      const rows = await db.query(
        `SELECT * FROM alert_transitions WHERE ${where.join(' AND ')}
         ORDER BY at_ms DESC, tenant_id, rule_id LIMIT ${q.limit + 1} OFFSET ${offset}`,
        params,
      );
      const items = rows.slice(0, q.limit).map(transitionFromColumns);
      return {
        items,
        nextCursor: rows.length > q.limit ? encodeOffsetCursor(offset + q.limit) : null,
      };
    },
    async listAlertRules() {
      const rows = await db.query('SELECT * FROM alert_rules ORDER BY id');
      return rows.map(
        (r): AlertRuleRecord => ({
          id: String(r.id),
          definition: JSON.parse(String(r.definition)) as Record<string, unknown>,
          updatedAt: String(r.updated_at),
        }),
      );
    },
    async upsertAlertRule(rule) {
      await db.exec('INSERT OR REPLACE INTO alert_rules VALUES (?, ?, ?)', [
        rule.id,
        JSON.stringify(rule.definition),
        rule.updatedAt,
      ]);
    },
    async deleteAlertRule(id) {
      return (await db.change('DELETE FROM alert_rules WHERE id = ?', [id])) > 0;
    },
  };
}
