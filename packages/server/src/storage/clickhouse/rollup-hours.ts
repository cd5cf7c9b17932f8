import type { NsRange } from '../read-types.js';
import type { ChConnection } from './client.js';
import { HOUR_NS, hasRollup } from './tenant-rollup.js';

/**
 * Which hours the tenant rollup holds, for the overview reads (read-overview.ts), without a round
 * trip before each of them: on 18.16 every query is an HTTP request, and reading the recorded hours
 * first put one in front of every page, a one-tenant page's fixed cost as much as the fleet's.
 *
 * The list is cached per connection with a fingerprint of the set (its size and the XOR of its
 * hours' hashes), and every read that uses it returns the fingerprint of the set as it is then, in
 * the same query (`check`). A read whose fingerprint differs (another server's sweep recorded an
 * hour; retention or erasure dropped one, lifecycle.ts) is run again with the list read afresh, so
 * what a read answers never rests on a stale list: an hour missing from a stale list would be
 * scanned from spans (right, slower), but a listed hour whose record is gone would read no rows.
 * Each read takes the listed hours' builds from `tenant_hours_done` itself (`recordedBuildOf`).
 */
interface Recorded {
  hours: bigint[];
  fingerprint: string;
}

const FINGERPRINT = `concat(toString(count()), ':', toString(groupBitXor(cityHash64(hour))))`;
const cache = new WeakMap<ChConnection, Promise<Recorded>>();

const distinctHours = (ch: ChConnection) =>
  `(SELECT DISTINCT hour FROM ${ch.database}.tenant_hours_done)`;

function readRecorded(ch: ChConnection): Promise<Recorded> {
  const read = ch
    .query<{ hours: string[]; fp: string }>(
      `SELECT groupArray(hour) AS hours, ${FINGERPRINT} AS fp FROM ${distinctHours(ch)}`,
    )
    .then(([r]) => ({
      hours: (r?.hours ?? []).map(BigInt).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
      fingerprint: String(r?.fp),
    }));
  read.catch(() => {
    if (cache.get(ch) === read) cache.delete(ch);
  });
  cache.set(ch, read);
  return read;
}

/** Whole hours of `range` in `recorded`, ascending. */
function within(recorded: Recorded, range: NsRange): bigint[] {
  const first = ((range.fromNs + HOUR_NS - 1n) / HOUR_NS) * HOUR_NS;
  const last = range.toNs - HOUR_NS;
  return recorded.hours.filter((h) => h >= first && h <= last);
}

/**
 * Runs `read` with the rolled-up whole hours of `range` and `check`, an expression `read` must
 * select as `hours_fp` in every row; runs it again with the hours read afresh when the rows show
 * that the list changed, or when there are no rows to show it (an empty page: one more round trip).
 */
export async function withRolledUpHours<T extends { hours_fp?: unknown }>(
  ch: ChConnection,
  range: NsRange,
  read: (hours: bigint[], check: string) => Promise<T[]>,
): Promise<T[]> {
  if (!hasRollup(ch)) return read([], "''");
  const check = `(SELECT ${FINGERPRINT} FROM ${distinctHours(ch)})`;
  const used = await (cache.get(ch) ?? readRecorded(ch));
  const rows = await read(within(used, range), check);
  if (rows.length > 0 && String(rows[0]!.hours_fp) === used.fingerprint) return rows;
  const now = await readRecorded(ch);
  if (rows.length === 0 && now.fingerprint === used.fingerprint) return rows;
  return read(within(now, range), check);
}

/** This server's sweep recorded hours: the next read lists them at once. */
export function forgetRecordedHours(ch: ChConnection): void {
  cache.delete(ch);
}

/** A filter on tenant_hours rows: the recorded build of each of `hours`, read in the same query. */
export function recordedBuildOf(ch: ChConnection, hours: bigint[]): string {
  const list = hours.map(String).join(', ');
  return `hour IN (${list}) AND (hour, build) IN (SELECT hour, max(build)
    FROM ${ch.database}.tenant_hours_done WHERE hour IN (${list}) GROUP BY hour)`;
}
