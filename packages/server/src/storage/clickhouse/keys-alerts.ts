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
import type { ChConnection, ChRow } from './client.js';
import { num, numOrNull, strOrNull } from './rows.js';
import { limit, Where } from './sql.js';

/**
 * Keys, alert state and rules are mutable records. ClickHouse has no cheap UPDATE, so each change
 * is a new row with a higher `version` in a ReplacingMergeTree, and reads take the latest version
 * per key with argMax (correct before and after merges, on every version). A delete is a tombstone.
 */
let lastVersion = 0;
function nextVersion(): string {
  // Microseconds since the epoch, strictly increasing within this process.
  lastVersion = Math.max(lastVersion + 1, Date.now() * 1000);
  return String(lastVersion);
}

/** Latest value of each column, aliased `l_<column>` (an alias equal to a column name would shadow it). */
const latest = (columns: string[]) =>
  columns.map((c) => `argMax(${c}, version) AS l_${c}`).join(', ');

const KEY_COLUMNS = ['hash', 'prefix', 'kind', 'tenant_id', 'name', 'created_at', 'revoked_at'];

export function chKeyStore(ch: ChConnection): KeyStore {
  const db = ch.database;
  const toKey = (r: ChRow): ApiKeyRecord => ({
    id: String(r.id),
    hash: String(r.l_hash),
    prefix: String(r.l_prefix),
    kind: String(r.l_kind) as ApiKeyRecord['kind'],
    tenantId: strOrNull(r.l_tenant_id),
    name: String(r.l_name),
    createdAt: String(r.l_created_at),
    revokedAt: strOrNull(r.l_revoked_at),
  });
  const select = (where: string) =>
    ch.query(
      `SELECT id, ${latest(KEY_COLUMNS)} FROM ${db}.api_keys ${where} GROUP BY id ORDER BY l_created_at, id`,
    );
  const row = (k: ApiKeyRecord) => ({
    id: k.id,
    hash: k.hash,
    prefix: k.prefix,
    kind: k.kind,
    tenant_id: k.tenantId,
    name: k.name,
    created_at: k.createdAt,
    revoked_at: k.revokedAt,
    version: nextVersion(),
  });
  return {
    async insertKey(k) {
      await ch.insert('api_keys', [row(k)]);
    },
    async listKeys() {
      return (await select('')).map(toKey);
    },
    async findKeyByHash(hash) {
      // The hash never changes between versions of a key, so filtering before argMax is exact.
      const rows = await select(new Where({ tenantId: null }).add('hash = ?', hash).sql);
      return rows[0] ? toKey(rows[0]) : null;
    },
    async revokeKey(id, revokedAt) {
      const rows = await select(new Where({ tenantId: null }).add('id = ?', id).sql);
      const current = rows[0] ? toKey(rows[0]) : null;
      if (!current || current.revokedAt !== null) return false;
      await ch.insert('api_keys', [row({ ...current, revokedAt })]);
      return true;
    },
  };
}

const STATE_COLUMNS = [
  'state',
  'since',
  'last_evaluated',
  'value',
  'threshold',
  'last_notified_at',
  'example_trace_id',
  'rule_snapshot',
  'suspect',
  'deleted',
];

export function chAlertStore(ch: ChConnection): AlertStore {
  const db = ch.database;
  return {
    async loadAlertStates() {
      const rows = await ch.query(
        `SELECT tenant_id, rule_id, ${latest(STATE_COLUMNS)} FROM ${db}.alert_states
         GROUP BY tenant_id, rule_id HAVING l_deleted = 0`,
      );
      return rows.map(
        (r): AlertStateRecord => ({
          ruleId: String(r.rule_id),
          tenantId: String(r.tenant_id),
          state: String(r.l_state) as AlertStateName,
          since: num(r.l_since),
          lastEvaluated: num(r.l_last_evaluated),
          value: num(r.l_value),
          threshold: num(r.l_threshold),
          lastNotifiedAt: numOrNull(r.l_last_notified_at),
          exampleTraceId: strOrNull(r.l_example_trace_id),
          ruleSnapshot: strOrNull(r.l_rule_snapshot),
          suspect: strOrNull(r.l_suspect),
        }),
      );
    },
    async saveAlertStates(states) {
      const version = nextVersion();
      await ch.insert(
        'alert_states',
        states.map((s) => ({
          tenant_id: s.tenantId,
          rule_id: s.ruleId,
          state: s.state,
          since: String(Math.trunc(s.since)),
          last_evaluated: String(Math.trunc(s.lastEvaluated)),
          value: Number.isFinite(s.value) ? s.value : 0,
          threshold: Number.isFinite(s.threshold) ? s.threshold : 0,
          last_notified_at: s.lastNotifiedAt === null ? null : String(Math.trunc(s.lastNotifiedAt)),
          example_trace_id: s.exampleTraceId,
          rule_snapshot: s.ruleSnapshot,
          suspect: s.suspect,
          deleted: 0,
          version,
        })),
      );
    },
    async deleteAlertStates(ruleId) {
      // A tombstone per live (tenant, rule) row; rule_id is part of the key, so filtering before
      // argMax is exact.
      const rows = await ch.query(
        `SELECT tenant_id, ${latest(['deleted'])} FROM ${db}.alert_states
         ${new Where({ tenantId: null }).add('rule_id = ?', ruleId).sql}
         GROUP BY tenant_id HAVING l_deleted = 0`,
      );
      if (rows.length === 0) return;
      const version = nextVersion();
      await ch.insert(
        'alert_states',
        rows.map((r) => ({
          tenant_id: String(r.tenant_id),
          rule_id: ruleId,
          state: 'inactive',
          since: '0',
          last_evaluated: '0',
          value: 0,
          threshold: 0,
          last_notified_at: null,
          example_trace_id: null,
          rule_snapshot: null,
          suspect: null,
          deleted: 1,
          version,
        })),
      );
    },
    async appendAlertTransitions(transitions) {
      await ch.insert(
        'alert_transitions',
        transitions.map((t) => ({
          tenant_id: t.tenantId,
          rule_id: t.ruleId,
          from_state: t.from,
          to_state: t.to,
          at_ms: String(Math.trunc(t.at)),
          value: Number.isFinite(t.value) ? t.value : 0,
          threshold: Number.isFinite(t.threshold) ? t.threshold : 0,
        })),
      );
    },
    async listAlertTransitions(scope: TenantScope, q) {
      const offset = decodeOffsetCursor(q.cursor);
      const where = new Where(scope)
        .add('at_ms >= ?', BigInt(q.fromMs ?? 0))
        .add('at_ms < ?', BigInt(q.toMs ?? Number.MAX_SAFE_INTEGER));
      const rows = await ch.query(
        `SELECT * FROM ${db}.alert_transitions ${where.sql}
         ORDER BY at_ms DESC, tenant_id, rule_id ${limit(q.limit + 1, offset)}`,
      );
      const items = rows.slice(0, q.limit).map(transitionFromColumns);
      return {
        items,
        nextCursor: rows.length > q.limit ? encodeOffsetCursor(offset + q.limit) : null,
      };
    },
    async listAlertRules() {
      const rows = await ch.query(
        `SELECT id, ${latest(['definition', 'updated_at', 'deleted'])} FROM ${db}.alert_rules
         GROUP BY id HAVING l_deleted = 0 ORDER BY id`,
      );
      return rows.map(
        (r): AlertRuleRecord => ({
          id: String(r.id),
          definition: JSON.parse(String(r.l_definition)) as Record<string, unknown>,
          updatedAt: String(r.l_updated_at),
        }),
      );
    },
    async upsertAlertRule(rule) {
      await ch.insert('alert_rules', [
        {
          id: rule.id,
          definition: JSON.stringify(rule.definition),
          updated_at: rule.updatedAt,
          deleted: 0,
          version: nextVersion(),
        },
      ]);
    },
    async deleteAlertRule(id) {
      const rows = await ch.query(
        `SELECT id, ${latest(['definition', 'updated_at', 'deleted'])} FROM ${db}.alert_rules
         ${new Where({ tenantId: null }).add('id = ?', id).sql} GROUP BY id HAVING l_deleted = 0`,
      );
      const current = rows[0];
      if (!current) return false;
      await ch.insert('alert_rules', [
        {
          id,
          definition: String(current.l_definition),
          updated_at: String(current.l_updated_at),
          deleted: 1,
          version: nextVersion(),
        },
      ]);
      return true;
    },
  };
}
