import type { ChConnection } from './client.js';

/** One table of the ClickHouse schema (schema.ts), and the DDL that makes it on a node or cluster. */

export interface TableDef {
  name: string;
  columns: string;
  engine: string;
  partitionBy: string | null;
  orderBy: string;
  /** Distributed sharding key; tenant tables shard by tenant. */
  shardBy: string;
  settings?: string;
}

/** The day partition of a row by its integer nanoseconds column (exact on every version). */
export const day = (nsColumn: string) => `toYYYYMMDD(toDateTime(intDiv(${nsColumn}, 1000000000)))`;

/** A table (and on a cluster its Distributed table over the local ones) as CREATE statements. */
export function createTable(ch: ChConnection, t: TableDef): string[] {
  const db = ch.database;
  const local = ch.cluster ? `${t.name}_local` : t.name;
  const partition = t.partitionBy ? ` PARTITION BY ${t.partitionBy}` : '';
  const out = [
    `CREATE TABLE IF NOT EXISTS ${db}.${local}${ch.onCluster} (${t.columns}) ENGINE = ${t.engine}${partition} ORDER BY (${t.orderBy})${t.settings ? ` SETTINGS ${t.settings}` : ''}`,
  ];
  if (ch.cluster) {
    out.push(
      `CREATE TABLE IF NOT EXISTS ${db}.${t.name}${ch.onCluster} AS ${db}.${local} ENGINE = Distributed(${ch.cluster}, ${db}, ${local}, ${t.shardBy})`,
    );
  }
  return out;
}
