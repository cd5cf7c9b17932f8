import { OtlpLimitError } from './errors.js';

/**
 * What one OTLP request may hold, whatever its size in bytes: 20 KB of gzip can inflate to
 * millions of empty groups, and each costs an object; nesting costs stack. Counted while decoding,
 * so a request past a limit stops early.
 */
export interface DecodeLimits {
  /** Resource groups plus scope groups. */
  maxGroups: number;
  /** Spans, log records or metric points. */
  maxItems: number;
  /** Levels of arrays and key-value lists inside one attribute value. */
  maxDepth: number;
}

export const DEFAULT_DECODE_LIMITS: DecodeLimits = {
  maxGroups: 10_000,
  maxItems: 200_000,
  maxDepth: 32,
};

/** Counts a request's groups and items against its limits. */
export class DecodeBudget {
  private groups = 0;
  private items = 0;

  constructor(readonly limits: DecodeLimits = DEFAULT_DECODE_LIMITS) {}

  group(): void {
    if (++this.groups > this.limits.maxGroups) {
      throw new OtlpLimitError(
        `request holds more than ${this.limits.maxGroups} resource and scope groups (limits.maxGroupsPerRequest); send fewer, larger groups`,
        { maxGroups: this.limits.maxGroups },
      );
    }
  }

  item(): void {
    if (++this.items > this.limits.maxItems) {
      throw new OtlpLimitError(
        `request holds more than ${this.limits.maxItems} items (limits.maxItemsPerRequest); split the export into smaller batches`,
        { maxItems: this.limits.maxItems },
      );
    }
  }

  depth(level: number): void {
    if (level > this.limits.maxDepth) {
      throw new OtlpLimitError(
        `an attribute value is nested more than ${this.limits.maxDepth} levels deep (limits.maxAttributeDepth)`,
        { maxDepth: this.limits.maxDepth },
      );
    }
  }
}
