import type { CompactionOptions } from '../types.js';
import type { DuckDb, Params } from './database.js';
import { Where } from './rows.js';

/**
 * The tenant rollup (schema v11): per tenant, per UTC hour and per LLM model, the additive parts of
 * the tenants overview (spans, runs, failed runs, LLM calls, tokens, LLM time, tool calls and
 * errors, last seen) plus the hour's run durations as a list, so the overview's quantiles stay
 * exact (quantile_cont over the concatenated lists is the quantile over the runs). The overview of
 * a closed day then reads ~100 k rollup rows instead of 3.3 M spans (docs/scaling.md).
 *
 * Built by the compaction sweep for hours that ended before the sweep's cutoff, never by ingest.
 * `tenant_hours_done` records each rolled-up hour with the span count it had, counted in the same
 * snapshot as the rollup rows; a sweep re-rolls an hour whose count changed (late rows), and reads
 * use the rollup only for recorded hours, scanning spans for the rest. A row arriving late into a
 * rolled-up hour is therefore counted from the next sweep on (at most one sweep interval later).
 * Retention and erasure re-roll the hours they touched in their own transaction (forgetSpans).
 */
export const HOUR_NS = 3_600_000_000_000n;

/** The rollup columns, in tenant_hours' order, of a spans query grouped by `groupBy`. */
export function rollupColumns(hour: string): string {
  return `${hour} AS hour_ns, tenant_id, CASE WHEN is_llm THEN model END AS model,
    count(*) AS spans,
    count(*) FILTER (WHERE is_run) AS runs,
    count(*) FILTER (WHERE is_run AND status_code = 2) AS failed_runs,
    count(*) FILTER (WHERE is_llm) AS llm_calls,
    coalesce(sum(input_tokens) FILTER (WHERE is_llm), 0)::BIGINT AS input_tokens,
    coalesce(sum(output_tokens) FILTER (WHERE is_llm), 0)::BIGINT AS output_tokens,
    coalesce(sum(duration_ns) FILTER (WHERE is_llm), 0)::BIGINT AS llm_ns,
    count(*) FILTER (WHERE is_tool) AS tool_calls,
    count(*) FILTER (WHERE is_tool AND status_code = 2) AS tool_errors,
    max(end_ns) AS last_seen_ns,
    list(duration_ns) FILTER (WHERE is_run) AS run_ns`;
}

const HOUR = `(start_ns // ${HOUR_NS}) * ${HOUR_NS}`;

/**
 * Rolls up every hour before the sweep's cutoff that has no record or whose span count changed,
 * one compaction window per transaction (a window is read once for all its hours: compacted rows
 * are sorted by tenant, so a narrower time filter would not read less). Returns hours rolled up.
 */
export async function rollUpClosedHours(db: DuckDb, options: CompactionOptions): Promise<number> {
  try {
    return await rollUpHours(db, options);
  } finally {
    // Whatever this sweep committed, reads list the recorded hours again.
    recordedHours.delete(db);
  }
}

/**
 * The recorded hours, ascending, read once per sweep instead of once per overview read (a round
 * trip of 1-2 ms before each aggregate). A stale list is safe: an hour recorded since reads as not
 * rolled up (its spans are scanned); a recorded hour is only ever replaced in one transaction with
 * its rows (rollUp), or dropped with them once its spans are all gone (nothing to count either way);
 * retention and erasure change its rows and count, never whether it is recorded.
 */
const recordedHours = new WeakMap<DuckDb, Promise<bigint[]>>();

export function rolledUpHours(db: DuckDb): Promise<bigint[]> {
  let hours = recordedHours.get(db);
  if (!hours) {
    hours = db
      .query('SELECT hour_ns FROM tenant_hours_done ORDER BY hour_ns')
      .then((rows) => rows.map((r) => BigInt(r.hour_ns as bigint)));
    hours.catch(() => recordedHours.delete(db));
    recordedHours.set(db, hours);
  }
  return hours;
}

async function rollUpHours(db: DuckDb, options: CompactionOptions): Promise<number> {
  const closedEnd = (options.closedBeforeNs / HOUR_NS) * HOUR_NS;
  const counts = new Map(
    (
      await db.query(
        `SELECT ${HOUR} AS h, count(*) AS n FROM spans WHERE start_ns < ? GROUP BY h`,
        [closedEnd],
      )
    ).map((r) => [BigInt(r.h as bigint), Number(r.n)]),
  );
  const done = new Map(
    (await db.query('SELECT hour_ns AS h, row_count AS n FROM tenant_hours_done')).map((r) => [
      BigInt(r.h as bigint),
      Number(r.n),
    ]),
  );
  // Hours whose spans are all gone (retention, erasure) lose their rows and record.
  const gone = [...done.keys()].filter((h) => !counts.has(h));
  if (gone.length > 0) {
    await db.exclusive(() =>
      inTransaction(db, async () => {
        const list = gone.map(String).join(', ');
        await db.exec(`DELETE FROM tenant_hours WHERE hour_ns IN (${list})`);
        await db.exec(`DELETE FROM tenant_hours_done WHERE hour_ns IN (${list})`);
      }),
    );
  }
  const byWindow = new Map<bigint, bigint[]>();
  for (const [h, n] of counts) {
    if (done.get(h) === n) continue;
    const w = (h / options.windowNs) * options.windowNs;
    byWindow.set(w, [...(byWindow.get(w) ?? []), h]);
  }
  let rolled = 0;
  for (const [w, hours] of [...byWindow].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    if (options.signal?.aborted) break;
    const end = w + options.windowNs;
    // A window that closes with hours rolled up by earlier sweeps holds them hour by hour: its
    // rows are sorted by tenant once, with its last hours.
    let earlier = 0;
    for (const h of done.keys()) if (h >= w && h < end && !hours.includes(h)) earlier++;
    const sort = end <= closedEnd && earlier > 0;
    await db.exclusive(() => rollUp(db, w, end, hours, sort));
    rolled += hours.length;
  }
  return rolled;
}

/**
 * One transaction: the hours' rows and records replaced from the spans of [fromNs, toNs), each
 * tenant's rows side by side: a day's rollup fits in one row group, so zone maps prune nothing
 * inside it, but a one-tenant read then decodes a vector or two of each column instead of one in
 * each of the day's ~50 (the one-tenant overview at 100 M spans: 2.3 -> 0.8 ms of CPU for its scan,
 * docs/scaling.md). With `sortWindow`, the window's rows of earlier sweeps are rewritten in order.
 */
async function rollUp(
  db: DuckDb,
  fromNs: bigint,
  toNs: bigint,
  hours: bigint[],
  sortWindow: boolean,
): Promise<void> {
  const list = hours.map(String).join(', ');
  const where = `WHERE start_ns >= ${fromNs} AND start_ns < ${toNs} AND ${HOUR} IN (${list})`;
  const order = 'ORDER BY tenant_id, hour_ns, model';
  await inTransaction(db, async () => {
    await db.exec(`DELETE FROM tenant_hours WHERE hour_ns IN (${list})`);
    await db.exec(`DELETE FROM tenant_hours_done WHERE hour_ns IN (${list})`);
    const rows = `SELECT ${rollupColumns(HOUR)} FROM spans ${where} GROUP BY ALL`;
    if (sortWindow) {
      const window = `hour_ns >= ${fromNs} AND hour_ns < ${toNs}`;
      await db.exec(
        `CREATE OR REPLACE TEMP TABLE rollup_window AS
         SELECT * FROM tenant_hours WHERE ${window} UNION ALL ${rows}`,
      );
      await db.exec(`DELETE FROM tenant_hours WHERE ${window}`);
      await db.exec(`INSERT INTO tenant_hours SELECT * FROM rollup_window ${order}`);
      await db.exec('DROP TABLE rollup_window');
    } else {
      await db.exec(`INSERT INTO tenant_hours ${rows} ${order}`);
    }
    // Counted in the same snapshot as the rows: a span committed after it changes the count.
    await db.exec(
      `INSERT INTO tenant_hours_done SELECT ${HOUR} AS h, count(*) FROM spans ${where} GROUP BY h`,
    );
  });
}

async function inTransaction(db: DuckDb, fn: () => Promise<void>): Promise<void> {
  await db.exec('BEGIN TRANSACTION');
  try {
    await fn();
    await db.exec('COMMIT');
  } catch (err) {
    await db.exec('ROLLBACK').catch(() => {});
    throw err;
  }
}

/**
 * Deletes spans through `del` (inside the caller's transaction) and keeps the rollup exact: the
 * tenant's rows of every hour the deleted spans were in are rolled up again from what is left
 * (none, for an erased tenant), and those hours' recorded counts drop by the spans deleted, so
 * the next sweep does not roll the whole hour up again for them.
 */
export async function forgetSpans(
  db: DuckDb,
  tenantId: string,
  where: string,
  params: Params,
  del: () => Promise<number>,
): Promise<number> {
  await db.exec(
    `CREATE OR REPLACE TEMP TABLE rollup_gone AS
     SELECT ${HOUR} AS hour_ns, count(*) AS n FROM spans ${where} GROUP BY 1`,
    params,
  );
  const deleted = await del();
  await db.exec(
    `UPDATE tenant_hours_done AS d SET row_count = d.row_count - g.n
     FROM rollup_gone g WHERE d.hour_ns = g.hour_ns`,
  );
  await db.exec(
    'DELETE FROM tenant_hours WHERE tenant_id = ? AND hour_ns IN (SELECT hour_ns FROM rollup_gone)',
    [tenantId],
  );
  const left = new Where()
    .scope(tenantId)
    .add(`${HOUR} IN (SELECT hour_ns FROM rollup_gone JOIN tenant_hours_done USING (hour_ns))`);
  await db.exec(
    `INSERT INTO tenant_hours SELECT ${rollupColumns(HOUR)} FROM spans ${left.sql} GROUP BY ALL`,
    left.params,
  );
  await db.exec('DROP TABLE rollup_gone');
  return deleted;
}
