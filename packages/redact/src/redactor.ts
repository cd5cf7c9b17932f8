/** createRedactor: compiles a policy once, resolves each tenant's settings once, then walks values. */

import * as combineModule from './context/combine.js';
import * as passModule from './context/pass.js';
import type { Match } from './detect/match.js';
import * as scanModule from './detect/scan.js';
import {
  loadConfig,
  type RedactConfig,
  type ResolvedPolicy,
  resolvePolicy,
} from './policy/config.js';
import * as textModule from './text.js';
import type {
  RedactionPolicy,
  RedactOptions,
  Redactor,
  RedactResult,
  ScoredFinding,
} from './types.js';
import * as walkModule from './walk.js';

// Local bindings: under tsx/vite-node an imported name is a getter call on every use, which
// costs more than the detectors themselves in the hot loop.
const { scanAll } = combineModule;
const { FAILED, Walker } = walkModule;
const { hasSensitiveJsonKey, looksLikeJson } = textModule;

const MAX_CACHED_TENANTS = 10_000;

/** Scan buffer for the clean-string fast path (synchronous, never re-entered). */
const SCRATCH: Match[] = [];
const NONE: Match[] = [];

class PolicyRedactor implements Redactor {
  private readonly tenants = new Map<string, ResolvedPolicy>();

  constructor(private readonly config: RedactConfig) {}

  /** Consecutive calls are usually for the same tenant (one span, one batch): skip the lookup. */
  private lastTenant: string | undefined;
  private lastPolicy: ResolvedPolicy | undefined;

  private policyFor(tenantId: string): ResolvedPolicy {
    if (tenantId === this.lastTenant && this.lastPolicy !== undefined) return this.lastPolicy;
    let p = this.tenants.get(tenantId);
    if (p === undefined) {
      p = resolvePolicy(this.config, tenantId);
      // Tenant ids come from telemetry; cap the cache so a flood of ids cannot exhaust memory.
      if (this.tenants.size >= MAX_CACHED_TENANTS) this.tenants.clear();
      this.tenants.set(tenantId, p);
    }
    this.lastTenant = tenantId;
    this.lastPolicy = p;
    return p;
  }

  redact<T>(value: T, opts?: RedactOptions): RedactResult<T> {
    try {
      const walker = new Walker(this.policyFor(tenantOf(opts)), opts?.plainData === true);
      const out = walker.value(value, 0) as T;
      return { value: out, findings: walker.findings };
    } catch {
      return { value: FAILED as T, findings: {} };
    }
  }

  analyze(s: string, opts?: RedactOptions): Array<ScoredFinding & { counted: boolean }> {
    const p = this.policyFor(tenantOf(opts));
    const text = typeof s === 'string' ? s : String(s);
    const found: Array<ScoredFinding & { counted: boolean }> = [];
    const patterns: Match[] = [];
    scanModule.scanText(text, p.keys, patterns);
    for (const m of patterns) found.push({ ...m, score: 1, counted: true });
    if (p.context !== undefined) {
      const scored: passModule.Scored[] = [];
      passModule.scanContext(text, p.context, scored, true);
      const th = p.context;
      for (const m of scored) {
        found.push({ ...m, counted: m.score >= th[m.type as keyof typeof th] });
      }
    }
    return found.sort((a, b) => a.start - b.start);
  }

  redactString(s: string, opts?: RedactOptions): RedactResult<string> {
    try {
      const p = this.policyFor(tenantOf(opts));
      const text = typeof s === 'string' ? s : String(s);
      // Most attributes hold nothing: answer those without building a walker.
      let matches: Match[] | undefined;
      if (text.length <= p.maxStringLength) {
        // Emptied before and after use, so a scan that threw cannot leak into the next call.
        if (SCRATCH.length !== 0) SCRATCH.length = 0;
        const u = scanAll(text, p, SCRATCH);
        matches = SCRATCH.length === 0 ? NONE : SCRATCH.slice();
        if (SCRATCH.length !== 0) SCRATCH.length = 0;
        if (
          matches.length === 0 &&
          !(p.parseJsonStrings && looksLikeJson(text) && hasSensitiveJsonKey(text, p.keys, u))
        ) {
          return { value: text, findings: {} };
        }
      }
      const walker = new Walker(p);
      return { value: walker.string(text, 0, matches), findings: walker.findings };
    } catch {
      return { value: FAILED, findings: {} };
    }
  }
}

function tenantOf(opts: RedactOptions | undefined): string {
  const t = opts?.tenantId;
  return typeof t === 'string' ? t : '';
}

/**
 * Creates a redactor. The policy is trusted (validate files with parsePolicy first); the hash
 * secret comes from the policy, else TENANTRY_REDACT_HASH_KEY, else a random per-redactor key.
 */
export function createRedactor(policy?: RedactionPolicy): Redactor {
  return new PolicyRedactor(loadConfig(policy));
}
