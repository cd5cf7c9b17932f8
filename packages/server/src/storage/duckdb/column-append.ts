import type { DuckDBAppender } from '@duckdb/node-api';
import type { WorkSlice } from '../../ingest/work-slice.js';
import { encodeSpanColumns, SPAN_COLUMN_COUNT, type SpanColumns } from '../span-columns.js';
import type { SpanRow } from '../types.js';
import { CHUNK_ROWS, ChunkBuilder } from './chunk-builder.js';

/**
 * Data chunks moved into the transaction at once (`flushSync`). Each move costs about 1.2 ms
 * however few rows it carries (an appender's close, which moves what is left, as much for one
 * row): a move per chunk made that a fifth of the appends' time on the event loop. Four chunks,
 * 8,192 rows, move in 6-7 ms (11 at worst seen), each move on a fresh slice (docs/scaling.md).
 */
const FLUSH_CHUNKS = 4;

/** Rows `start` to `end` of one batch of columns. */
interface Run {
  cols: SpanColumns;
  start: number;
  end: number;
}

/**
 * Appends span columns (span-columns.ts) to the appender's table a data chunk at a time: numbers,
 * flags and short strings are copied into each vector in one call, and only strings longer than
 * 12 bytes take a call each. `keep`, when given per batch, selects the rows to append (1 = keep).
 * With `parkedNs` the table is `parked_spans`, whose last column is that time for every row.
 * Yields to the event loop between chunks once the slice is used up. Returns the rows appended.
 */
export async function appendSpanColumns(
  appender: DuckDBAppender,
  batches: Iterable<{ cols: SpanColumns; keep?: Uint8Array }>,
  slice: WorkSlice,
  parkedNs?: bigint,
): Promise<number> {
  const columns = SPAN_COLUMN_COUNT + (parkedNs === undefined ? 0 : 1);
  if (appender.columnCount !== columns) {
    throw new Error(
      `the table has ${appender.columnCount} columns, span columns carry ${columns}: update storage/span-columns.ts with the schema`,
    );
  }
  const chunk = idleBuilders.pop() ?? new ChunkBuilder();
  chunk.start(parkedNs);
  try {
    return await appendChunks(appender, batches, slice, chunk);
  } finally {
    if (idleBuilders.length < IDLE_BUILDERS) idleBuilders.push(chunk);
  }
}

/**
 * Builders kept between appends: each holds about 1.2 MB of arrays, which took 0.2-0.3 ms to
 * allocate for every append however few rows it carried (and as much of V8's external memory).
 */
const idleBuilders: ChunkBuilder[] = [];
const IDLE_BUILDERS = 4;

async function appendChunks(
  appender: DuckDBAppender,
  batches: Iterable<{ cols: SpanColumns; keep?: Uint8Array }>,
  slice: WorkSlice,
  chunk: ChunkBuilder,
): Promise<number> {
  let appended = 0;
  let held = 0;
  for (const run of runsOf(batches)) {
    let at = run.start;
    while (at < run.end) {
      const take = Math.min(run.end - at, CHUNK_ROWS - chunk.rows);
      chunk.add(run.cols, at, at + take);
      at += take;
      if (chunk.rows === CHUNK_ROWS) {
        appended += chunk.flush(appender);
        // The appender would otherwise hold every chunk until it is closed (up to 204,800 rows)
        // and move them all into the transaction then, in one stretch of 30-50 ms per 16,384
        // rows. Moved FLUSH_CHUNKS at a time, each move on a slice of its own.
        if (++held === FLUSH_CHUNKS) {
          await slice.pause();
          appender.flushSync();
          held = 0;
        }
        if (slice.spentNow()) await slice.pause();
      }
    }
  }
  if (chunk.rows > 0) appended += chunk.flush(appender);
  return appended;
}

/**
 * Span rows (journal replay, `ingest.workers: 0`, spans adopted, parked or taken from the park)
 * appended the same way, encoded a data chunk's worth at a time between the slices: one call a
 * value through the row appender cost several times the encoding.
 */
export function appendSpanRows(
  appender: DuckDBAppender,
  rows: readonly SpanRow[],
  slice: WorkSlice,
  parkedNs?: bigint,
): Promise<number> {
  return appendSpanColumns(appender, encodedByChunk(rows), slice, parkedNs);
}

function* encodedByChunk(rows: readonly SpanRow[]): Generator<{ cols: SpanColumns }> {
  for (let at = 0; at < rows.length; at += CHUNK_ROWS) {
    yield { cols: encodeSpanColumns(rows.slice(at, at + CHUNK_ROWS)) };
  }
}

function* runsOf(batches: Iterable<{ cols: SpanColumns; keep?: Uint8Array }>): Generator<Run> {
  for (const { cols, keep } of batches) {
    if (!keep) {
      if (cols.rows > 0) yield { cols, start: 0, end: cols.rows };
      continue;
    }
    let start = -1;
    for (let r = 0; r <= cols.rows; r++) {
      const kept = r < cols.rows && keep[r] === 1;
      if (kept && start < 0) start = r;
      else if (!kept && start >= 0) {
        yield { cols, start, end: r };
        start = -1;
      }
    }
  }
}
