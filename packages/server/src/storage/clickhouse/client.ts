import { Readable } from 'node:stream';
import {
  type ClickHouseClient,
  type ClickHouseClientConfigOptions,
  ClickHouseLogLevel,
  createClient,
} from '@clickhouse/client';
import { ClickHouseError } from './errors.js';
import { type Features, featuresOf } from './features.js';

export interface ClickHouseOptions {
  /**
   * HTTP URL of a ClickHouse node. On a cluster without Keeper/ZooKeeper (ON CLUSTER needs one),
   * list every node, comma-separated: the first serves queries and inserts, and DDL and mutations
   * run on each.
   */
  url: string;
  database: string;
  /** Cluster name from remote_servers: local tables behind Distributed tables sharded by tenant. */
  cluster?: string;
  /**
   * With `cluster`: DDL and mutations run once, `ON CLUSTER`, through the first URL (needs Keeper or
   * ZooKeeper); without it they run on each listed node.
   */
  onClusterDdl?: boolean;
  /**
   * The server replicates by itself (ClickHouse Cloud, a Replicated database): plain tables through
   * one URL, never Distributed tables. Excludes `cluster`.
   */
  replicatedByServer?: boolean;
  username?: string;
  password?: string;
  /** PEM certificate(s) to trust for an https URL (a private CA or a self-signed server). */
  caCert?: Buffer;
  /**
   * An in-process engine instead of HTTP (chDB in the test suite and benches): each node's client
   * gets its own connection from this factory, and the adapter's code runs unchanged over it.
   */
  connection?: () => ClientConnection;
}

export type ClientConnection = NonNullable<ClickHouseClientConfigOptions['connection']>;

export type ChRow = Record<string, unknown>;

type Settings = Record<string, string | number>;

/**
 * Sent with every statement, never left to the server's defaults (chDB also keeps a SET for the
 * rest of its session). Long IN lists (dedup look-ups, trace pages) outgrow the 256 KiB default
 * query size. 64-bit integers must arrive as strings: 25.8 changed the JSON default to bare numbers,
 * which JSON.parse rounds through a double (nanosecond timestamps lose their last digits).
 */
const QUERY_SETTINGS = {
  max_query_size: '16777216',
  output_format_json_quote_64bit_integers: 1,
} as const;

/**
 * A pool of one @clickhouse/client per node. Queries go to the first node; statements that must
 * reach every shard's local table (DDL, mutations) go to each node.
 */
export class ChConnection {
  private constructor(
    readonly clients: ClickHouseClient[],
    readonly database: string,
    readonly cluster: string | null,
    readonly version: string,
    readonly features: Features,
    readonly onClusterDdl: boolean,
  ) {}

  /** How many nodes DDL and mutations are sent to one by one (1 with ON CLUSTER or no cluster). */
  get ddlNodes(): number {
    return this.cluster && !this.onClusterDdl ? this.clients.length : 1;
  }

  /** ` ON CLUSTER name` after a table name in DDL and mutations, or nothing. */
  get onCluster(): string {
    return this.cluster && this.onClusterDdl ? ` ON CLUSTER ${this.cluster}` : '';
  }

  static async open(options: ClickHouseOptions): Promise<ChConnection> {
    const urls = options.url
      .split(',')
      .map((u) => u.trim())
      .filter(Boolean);
    if (urls.length === 0) throw new ClickHouseError('storage.clickhouse.url is empty');
    const clients = urls.map((url) =>
      createClient({
        url,
        username: options.username ?? 'default',
        password: options.password ?? '',
        request_timeout: 300_000,
        // Failures surface as ClickHouseError with the statement; the client's own log is noise.
        log: { level: ClickHouseLogLevel.OFF },
        // Server-side compression would need settings 18.16 does not have on every route.
        compression: { request: false, response: false },
        ...(options.caCert ? { tls: { ca_cert: options.caCert } } : {}),
        ...(options.connection ? { connection: options.connection() } : {}),
      }),
    );
    let version: string;
    try {
      const rs = await clients[0]!.query({
        query: 'SELECT version() AS v',
        format: 'JSONEachRow',
      });
      const rows = (await rs.json()) as Array<{ v: string }>;
      version = rows[0]?.v ?? '0';
    } catch (err) {
      await Promise.all(clients.map((c) => c.close()));
      throw new ClickHouseError(`cannot reach ClickHouse at ${urls[0]}: ${(err as Error).message}`);
    }
    return new ChConnection(
      clients,
      options.database,
      options.cluster ?? null,
      version,
      featuresOf(version),
      options.onClusterDdl === true,
    );
  }

  /** Runs a SELECT on the first node and returns its rows (64-bit integers arrive as strings). */
  query<T = ChRow>(sql: string, settings: Settings = {}): Promise<T[]> {
    return this.queryOn<T>(0, sql, settings);
  }

  /**
   * Settings for a read of `spans FINAL`. A resent span has the start time of its first copy, so
   * both copies sit in the same day partition: merging each partition on its own is exact, and a
   * filter on key or time columns may run before the merge. On 26.7 this took an all-tenant
   * 10-minute window from 508 ms to 9.7 ms (median, 1 M spans).
   */
  get finalSettings(): Settings {
    return this.features.current
      ? { do_not_merge_across_partitions_select_final: 1, optimize_move_to_prewhere_if_final: 1 }
      : {};
  }

  async queryOn<T = ChRow>(node: number, sql: string, settings: Settings = {}): Promise<T[]> {
    try {
      const rs = await this.clients[node]!.query({
        query: sql,
        format: 'JSONEachRow',
        clickhouse_settings: { ...QUERY_SETTINGS, ...settings },
      });
      return (await rs.json()) as T[];
    } catch (err) {
      throw new ClickHouseError(`${(err as Error).message.trim()} [in: ${sql.slice(0, 400)}]`);
    }
  }

  async exec(sql: string, node = 0, settings: Settings = {}): Promise<void> {
    try {
      await this.clients[node]!.command({
        query: sql,
        clickhouse_settings: { ...QUERY_SETTINGS, ...settings },
      });
    } catch (err) {
      throw new ClickHouseError(`${(err as Error).message.trim()} [in: ${sql.slice(0, 400)}]`);
    }
  }

  /** Runs a statement on every node (DDL and mutations of local tables). */
  async execEverywhere(sql: string): Promise<void> {
    for (let i = 0; i < this.clients.length; i++) await this.exec(sql, i);
  }

  async queryEverywhere<T = ChRow>(sql: string): Promise<T[][]> {
    const out: T[][] = [];
    for (let i = 0; i < this.clients.length; i++) out.push(await this.queryOn<T>(i, sql));
    return out;
  }

  /**
   * Inserts rows and resolves once ClickHouse has written them. Through a Distributed table the
   * insert is synchronous (insert_distributed_sync), so the shards have the rows, not a local queue.
   */
  async insert(table: string, rows: ChRow[]): Promise<void> {
    if (rows.length === 0) return;
    try {
      await this.clients[0]!.insert({
        table: `${this.database}.${table}`,
        values: rows,
        format: 'JSONEachRow',
        clickhouse_settings: this.insertSettings(),
      });
    } catch (err) {
      throw new ClickHouseError(`insert into ${table} failed: ${(err as Error).message.trim()}`);
    }
  }

  /**
   * The same for rows already encoded as TabSeparated lines of `columns` (tsv.ts), sent as they
   * are: a few large writes instead of one per row.
   */
  async insertTsv(
    table: string,
    columns: readonly string[],
    chunks: readonly Uint8Array[],
  ): Promise<void> {
    if (chunks.length === 0) return;
    try {
      await this.clients[0]!.insert({
        table: `${this.database}.${table} (${columns.join(', ')})`,
        values: Readable.from(chunks, { objectMode: false }),
        format: 'TabSeparated',
        clickhouse_settings: this.insertSettings(),
      });
    } catch (err) {
      throw new ClickHouseError(`insert into ${table} failed: ${(err as Error).message.trim()}`);
    }
  }

  private insertSettings(): Record<string, string> {
    const settings: Record<string, string> = {};
    if (this.cluster) settings.insert_distributed_sync = '1';
    if (this.features.asyncInsert) {
      // Server-side batching, but the reply still waits for the flush: acknowledged means stored.
      settings.async_insert = '1';
      settings.wait_for_async_insert = '1';
    }
    return settings;
  }

  async close(): Promise<void> {
    await Promise.all(this.clients.map((c) => c.close()));
  }
}
