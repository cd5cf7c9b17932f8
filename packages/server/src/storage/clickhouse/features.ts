/**
 * What the connected server can do, decided once from `SELECT version()` at startup. The schema
 * and every query work on 18.16 (the oldest release we test); newer features are used only when
 * the server has them.
 */
export interface Features {
  /** LowCardinality(String) for repetitive columns (experimental before 19.0). */
  lowCardinality: boolean;
  /** JSONExtractString and friends (19.x); before that, visitParamExtract*. */
  jsonExtract: boolean;
  /** Server-side insert batching with wait_for_async_insert (21.11). */
  asyncInsert: boolean;
  /** `mutations_sync = 2`: an ALTER ... DELETE answers once every replica applied it (20.3). */
  mutationsSync: boolean;
  /**
   * Column codecs (`CODEC(ZSTD(1))`, 19.x) and FINAL merged one partition at a time, filters before
   * the merge (`do_not_merge_across_partitions_select_final`, `optimize_move_to_prewhere_if_final`).
   * Both decided at 22.1, where every setting named here exists; measured in docs/scaling.md.
   */
  current: boolean;
}

export function parseVersion(version: string): [number, number] {
  const [major, minor] = version.split('.').map((p) => Number.parseInt(p, 10));
  return [Number.isFinite(major) ? major! : 0, Number.isFinite(minor) ? minor! : 0];
}

function atLeast(version: string, major: number, minor: number): boolean {
  const [ma, mi] = parseVersion(version);
  return ma > major || (ma === major && mi >= minor);
}

export function featuresOf(version: string): Features {
  return {
    lowCardinality: atLeast(version, 19, 3),
    jsonExtract: atLeast(version, 19, 6),
    asyncInsert: atLeast(version, 21, 11),
    mutationsSync: atLeast(version, 20, 3),
    current: atLeast(version, 22, 1),
  };
}
