import type { Storage } from '../open.js';
import type { ReadStore } from '../read-types.js';

/**
 * Every storage call that reads or deletes telemetry. Keys and alert state are written straight
 * to storage and need no barrier (an API-key lookup on each request must not force a commit).
 */
const TELEMETRY_CALLS = [
  'tenantAggregates',
  'fleetTotals',
  'tenantBuckets',
  'listRuns',
  'traceSpans',
  'traceLogs',
  'readTrace',
  'linkedTraces',
  'searchSpans',
  'searchLogs',
  'doctor',
  'windowStats',
  'runawayRuns',
  'whyFacets',
  'listScores',
  'feedbackStats',
  'feedbackBuckets',
  'feedbackWindowStats',
  'listTenantIds',
  'deleteOlderThan',
  'deleteTenant',
  'deleteUser',
  'compactClosedWindows',
  'settleParkedSpans',
  'parkedSpans',
] as const satisfies ReadonlyArray<keyof Storage>;

// A read method added to ReadStore but not to the list above fails to compile here.
type Unlisted = Exclude<keyof ReadStore, (typeof TELEMETRY_CALLS)[number]>;
const everyReadListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyReadListed;

/**
 * The same storage, with `visible()` awaited before each telemetry call: a query made after an
 * acknowledgement sees the acknowledged rows, and an erasure also removes rows still waiting in the
 * journal for their commit.
 */
export function withReadBarrier(
  storage: Storage,
  visible: (strict: boolean) => Promise<void>,
): Storage {
  const wrapped: Storage = { ...storage };
  for (const name of TELEMETRY_CALLS) {
    const call = storage[name] as ((...args: unknown[]) => Promise<unknown>) | undefined;
    if (!call) continue;
    const strict = STRICT_CALLS.has(name);
    (wrapped as unknown as Record<string, unknown>)[name] = async (...args: unknown[]) => {
      await visible(strict);
      return call.apply(storage, args);
    };
  }
  return wrapped;
}

/** Calls that must see every acknowledged row: an erasure that missed some would not erase them. */
const STRICT_CALLS: ReadonlySet<string> = new Set([
  'deleteOlderThan',
  'deleteTenant',
  'deleteUser',
  'compactClosedWindows',
  'settleParkedSpans',
]);
