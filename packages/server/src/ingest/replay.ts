import { promisify } from 'node:util';
import { gunzip, inflate } from 'node:zlib';
import type { TenantLimiter } from '../limits/tenant-limits.js';
import { DecodeBudget, type DecodeLimits } from '../otlp/decode-limits.js';
import { DECODERS } from '../otlp/decoders.js';
import type { DecodedLogs, DecodedMetrics, DecodedTraces, ResourceGroup } from '../otlp/model.js';
import type { Rebuild } from '../storage/journal/journaled-writer.js';
import type { Attributes, WriteBatch } from '../storage/types.js';
import { decodeJournalEntry, type JournalEntry } from './journal-entry.js';
import type { IngestRedactor } from './pipeline.js';
import {
  type Builder,
  flattenPoints,
  type Item,
  logBuilder,
  metricBuilder,
  partitionByTenant,
  type SpanIdentity,
  spanBuilder,
  spanIdentity,
} from './row-builders.js';
import {
  type TenantClaim,
  TRACE_TENANT_PENDING,
  tenantClaimReader,
  UNASSIGNED_TENANT,
} from './tenant.js';

const gunzipAsync = promisify(gunzip);

/** Nesting stays bounded (the decoders recurse); counts do not. */
const REPLAY_DECODE_LIMITS: DecodeLimits = {
  maxGroups: Number.POSITIVE_INFINITY,
  maxItems: Number.POSITIVE_INFINITY,
  maxDepth: 256,
};
const inflateAsync = promisify(inflate);

export interface ReplayDeps {
  limiter: Pick<TenantLimiter, 'limitsFor'>;
  redactor: IngestRedactor;
  claimOf?: TenantClaim;
}

/**
 * Rows of a journaled request (journal-entry.ts), rebuilt after a restart as the pipeline built them
 * when it arrived: the same items of the same admitted tenants, through the same row builders, with
 * no limit charged and nothing counted again.
 */
export function rebuildFromJournal(deps: ReplayDeps): Rebuild {
  return async (payload) => {
    const entry = decodeJournalEntry(payload);
    const bytes =
      entry.encoding === 'gzip'
        ? await gunzipAsync(entry.body)
        : entry.encoding === 'deflate'
          ? await inflateAsync(entry.body)
          : entry.body;
    // Accepted once already: limits tightened since must not make an acknowledged request unreadable.
    const budget = new DecodeBudget(REPLAY_DECODE_LIMITS);
    const decoded = await DECODERS[entry.signal][entry.format](bytes, undefined, budget);
    return await rebuildRows(entry, decoded, deps);
  };
}

async function rebuildRows(
  entry: JournalEntry,
  decoded: DecodedTraces | DecodedLogs | DecodedMetrics,
  deps: ReplayDeps,
): Promise<WriteBatch> {
  const batch: WriteBatch = { spans: [], logs: [], metrics: [] };
  const admitted = new Set(entry.admitted);
  const claimOf = deps.claimOf ?? tenantClaimReader();
  const admittedOnly = async <T>(
    groups: ResourceGroup<T>[],
    attrsOf: (item: T) => Attributes,
    traceOf?: (item: T) => SpanIdentity,
  ) => {
    const p = await partitionByTenant(groups, entry.principal, attrsOf, { claimOf, traceOf });
    const claims = p.claims.filter((c) => admitted.has(c.tenantId));
    if (claims.length > 0) batch.traceClaims = claims;
    return [...p.byTenant].filter(([tenantId]) => admitted.has(tenantId));
  };
  const each = <T>(tenants: Array<[string, Item<T>[]]>, build: Builder<T>) => {
    for (const [partition, items] of tenants) {
      const limits = deps.limiter.limitsFor(
        partition === TRACE_TENANT_PENDING ? UNASSIGNED_TENANT : partition,
      );
      for (const item of items) build(partition, limits, item);
    }
  };
  if (entry.signal === 'traces') {
    each(
      await admittedOnly(decoded as DecodedTraces, (s) => s.attributes, spanIdentity),
      spanBuilder(batch, deps.redactor),
    );
  } else if (entry.signal === 'logs') {
    each(
      await admittedOnly(decoded as DecodedLogs, (l) => l.attributes),
      logBuilder(batch, deps.redactor),
    );
  } else {
    each(
      await admittedOnly(
        flattenPoints(decoded as DecodedMetrics),
        (p) => p.metric.points[p.index]!.attributes,
      ),
      metricBuilder(batch),
    );
  }
  return batch;
}
