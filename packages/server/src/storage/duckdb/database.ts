import { chmodSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  BIGINT,
  type DuckDBConnection,
  DuckDBInstance,
  type DuckDBResultReader,
  type DuckDBType,
  type DuckDBValue,
  UBIGINT,
} from '@duckdb/node-api';
import type { JS } from '@duckdb/node-api/lib/JS.js';

export type Row = Record<string, JS>;
export type Params = DuckDBValue[];

/**
 * The types to bind `params` with. The node API binds a JS bigint as HUGEINT; compared with a
 * BIGINT column (every `*_ns`), DuckDB then casts the column row by row and prunes nothing by zone
 * maps: the sweep's count of a month's spans by window took 27 s against 0.6 with the bound typed
 * (docs/scaling.md). Bound as BIGINT, or UBIGINT past its range (tenant and trace keys), a bigint
 * compares as the columns are stored. Other values keep the API's own choice.
 */
export function paramTypes(params: Params | undefined): DuckDBType[] | undefined {
  if (!params) return undefined;
  let types: Array<DuckDBType | undefined> | undefined;
  for (let i = 0; i < params.length; i++) {
    const v = params[i];
    if (typeof v !== 'bigint') continue;
    types ??= new Array<DuckDBType | undefined>(params.length);
    if (v >= INT64_MIN && v <= INT64_MAX) types[i] = BIGINT;
    else if (v > INT64_MAX && v <= UINT64_MAX) types[i] = UBIGINT;
  }
  // Entries left undefined are inferred from the value, as without types.
  return types as DuckDBType[] | undefined;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

const CHECKPOINT_THRESHOLD = '256MB';

/**
 * One DuckDB file, one write connection (writes are serialised by the batching writer anyway) and a
 * small pool of read connections so queries never wait behind a commit.
 */
export class DuckDb {
  private readonly readers: DuckDBConnection[] = [];
  /** Queries running on each reader: a connection runs one at a time, the rest wait behind it. */
  private readonly readerBusy: number[] = [];
  /** Settles when the last read given each reader is done (onReader). */
  private readonly readerTurn: Promise<void>[] = [];
  private writerQueue: Promise<unknown> = Promise.resolve();
  /** Ends the ingest writer's held transaction (write.ts) before any other use of the connection. */
  private held: (() => Promise<void>) | null = null;

  private constructor(
    readonly instance: DuckDBInstance,
    readonly writer: DuckDBConnection,
  ) {}

  static async open(path: string, readConnections = 4, memoryLimitMiB?: number): Promise<DuckDb> {
    if (path !== ':memory:') {
      // Telemetry of every tenant: the data dir is the owner's alone, whatever the umask.
      const dir = dirname(path);
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      chmodSync(dir, 0o700);
    }
    // Set as the database opens, so that no cache grows past it first. (`preserve_insertion_order`
    // off made a trace's reads faster but every commit of appended spans 1.3 µs a span dearer:
    // docs/scaling.md, "streamed reads".)
    const instance = await DuckDBInstance.create(
      path,
      memoryLimitMiB === undefined ? undefined : { memory_limit: `${memoryLimitMiB}MiB` },
    );
    // DuckDB creates its files with the process umask; the 0700 directory already keeps them from
    // other users, and the database file is narrowed too (its WAL comes and goes).
    if (path !== ':memory:') chmodSync(path, 0o600);
    const db = new DuckDb(instance, await instance.connect());
    // DuckDB checkpoints (folds the WAL into compressed row groups) when the WAL passes this. At
    // the 16 MB default the table's last, half-full row group is rewritten at every checkpoint;
    // at 256 MB ingest took 25% less CPU per span end to end (53.5 vs 71.4 µs, 1.2 M spans; see
    // docs/scaling.md), for a longer replay after a crash and a longer pause per checkpoint.
    await db.writer.run(`SET checkpoint_threshold = '${CHECKPOINT_THRESHOLD}'`);
    for (let i = 0; i < readConnections; i++) {
      db.readers.push(await instance.connect());
      db.readerBusy.push(0);
      db.readerTurn.push(Promise.resolve());
    }
    return db;
  }

  /**
   * Runs `fn` with the write connection to itself. A transaction is a property of the connection,
   * so two flows interleaving BEGIN/COMMIT on it (a batch write and an alert-state save, say) would
   * commit or roll back each other's work: every writer goes through here, one at a time.
   */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return this.serial(async () => {
      // Someone else's statements must never run inside the ingest writer's held transaction. A
      // failed commit is the holder's to report (it rolled back and requeues its rows): this
      // writer goes on on a clean connection.
      if (this.held) await this.held().catch(() => {});
      return fn();
    });
  }

  /**
   * The same queue, for the holder of a transaction kept open across calls: `end` commits it (or
   * rolls it back), and every other `exclusive` call runs it first. Null once it has ended.
   */
  holdTransaction(end: (() => Promise<void>) | null): void {
    this.held = end;
  }

  /** The write queue without ending a held transaction: for its holder only. */
  serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.writerQueue.then(fn, fn);
    this.writerQueue = run.catch(() => {});
    return run;
  }

  async exec(sql: string, params?: Params): Promise<void> {
    await this.writer.run(sql, params, paramTypes(params));
  }

  /** Runs a write statement and returns the number of rows it changed. */
  async change(sql: string, params?: Params): Promise<number> {
    const result = await this.writer.run(sql, params, paramTypes(params));
    return Number(result.rowsChanged);
  }

  /**
   * On the least busy reader: a page's reads run at once (a trace's index, its spans' branches and
   * its logs), and taken in turn one of them could wait behind another on a busy connection while
   * another connection sat idle.
   */
  query(sql: string, params?: Params): Promise<Row[]> {
    return this.onReader((reader) => reader.runAndReadAll(sql, params, paramTypes(params)));
  }

  /**
   * At least the first `rows` rows of a read that needs no order (whole chunks: maybe more), for
   * reads that must stop somewhere. As a LIMIT, DuckDB keeps the table's row order and scans on one
   * thread; streamed, the scan runs on both and stops once enough chunks are read (a trace's spans
   * on the 100 M-span month: p50 4.9-5.7 ms with a LIMIT, 4.0-4.5 streamed; docs/scaling.md).
   */
  queryUpTo(sql: string, rows: number, params?: Params): Promise<Row[]> {
    return this.onReader((reader) =>
      reader.streamAndReadUntil(sql, rows, params, paramTypes(params)),
    );
  }

  /**
   * One read at a time on a connection: a query started on it while another's streamed result is
   * still being read ends that stream early (queryUpTo then saw no rows), so each waits its turn.
   */
  private async onReader(run: (reader: DuckDBConnection) => Promise<DuckDBResultReader>) {
    let pick = 0;
    for (let i = 1; i < this.readers.length; i++)
      if (this.readerBusy[i]! < this.readerBusy[pick]!) pick = i;
    this.readerBusy[pick]!++;
    const before = this.readerTurn[pick]!;
    let done = () => {};
    this.readerTurn[pick] = new Promise<void>((resolve) => {
      done = resolve;
    });
    try {
      await before;
      return (await run(this.readers[pick]!)).getRowObjectsJS() as Row[];
    } finally {
      this.readerBusy[pick]!--;
      done();
    }
  }

  /** Same as query, but on the write connection: sees the writer's uncommitted transaction. */
  async queryOnWriter(sql: string, params?: Params): Promise<Row[]> {
    const reader = await this.writer.runAndReadAll(sql, params, paramTypes(params));
    return reader.getRowObjectsJS() as Row[];
  }

  close(): void {
    for (const r of this.readers) r.closeSync();
    this.writer.closeSync();
    this.instance.closeSync();
  }
}

export { big, num, numOrNull, strOrNull } from '../columns.js';
