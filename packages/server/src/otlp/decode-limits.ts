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

/**
 * Attributes (and nested values) one span, log record, point or resource may hold. Decoding yields
 * between items, not inside one: this bounds the longest stretch one item can take (a few ms).
 */
export const MAX_VALUES_PER_ITEM = 10_000;

/** Counts a request's groups and items against its limits. */
export class DecodeBudget {
  private groups = 0;
  private items = 0;
  private values = 0;

  constructor(readonly limits: DecodeLimits = DEFAULT_DECODE_LIMITS) {}

  group(): void {
    this.values = 0;
    if (++this.groups > this.limits.maxGroups) {
      throw new OtlpLimitError(
        `request holds more than ${this.limits.maxGroups} resource and scope groups (limits.maxGroupsPerRequest); send fewer, larger groups`,
        { maxGroups: this.limits.maxGroups },
      );
    }
  }

  item(): void {
    this.values = 0;
    if (++this.items > this.limits.maxItems) {
      throw new OtlpLimitError(
        `request holds more than ${this.limits.maxItems} items (limits.maxItemsPerRequest); split the export into smaller batches`,
        { maxItems: this.limits.maxItems },
      );
    }
  }

  /** One attribute or nested value of the current item. */
  value(): void {
    if (++this.values > MAX_VALUES_PER_ITEM) {
      throw new OtlpLimitError(
        `an item holds more than ${MAX_VALUES_PER_ITEM} attributes and nested values`,
        { maxValues: MAX_VALUES_PER_ITEM },
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
