/**
 * One metric aggregated by the SDK itself instead of through the OTel metrics API: the API hashes
 * every point's attributes (sorted keys, JSON) to find its series, which cost more than making the
 * spans. Here the caller finds a series by its attribute values in a fixed order, one Map level per
 * value (the strings' hashes are cached, so nothing is built or hashed anew per point), and a
 * point only bumps numbers in that series' cell.
 *
 * Collection reproduces what the OTel SDK (sdk-metrics 2.x SyncMetricStorage, DeltaMetricProcessor,
 * TemporalMetricProcessor) exports for the same points, so readers see no difference: cells since
 * the last collection of any reader form an interval; each reader gets the intervals it has not
 * seen, as a delta or merged into its cumulative totals, with the SDK's start times, and at most
 * 2000 attribute sets per interval (the rest under `otel.metric.overflow=true`).
 */
import type { Attributes } from '@opentelemetry/api';
import { millisToHrTime } from '@opentelemetry/core';
import {
  AggregationTemporality,
  type DataPoint,
  DataPointType,
  type Histogram,
  type MetricData,
} from '@opentelemetry/sdk-metrics';
import {
  type ExportedDescriptor,
  exportedDescriptor,
  type MetricDefinition,
} from './definitions.js';

/** The OTel SDK's default per-view cardinality limit, overflow series included. */
const CARDINALITY_LIMIT = 2000;
const OVERFLOW_ATTRIBUTES: Attributes = { 'otel.metric.overflow': true };
/** Series keys are JSON arrays; this one is not. */
const OVERFLOW_KEY = 'overflow';

interface Cell {
  readonly attributes: Attributes;
  /** Time of the first point, ms since the epoch. */
  readonly start: number;
}

export interface SumCell extends Cell {
  value: number;
}

export interface HistogramCell extends Cell {
  count: number;
  sum: number;
  min: number;
  max: number;
  /** Per bucket; the last one is above the highest bound. */
  readonly counts: number[];
}

/** Series by key (a JSON array of the attribute values), for collection and merging. */
type Cells<C> = Map<string, C>;

/** One level of the lookup by attribute values: the series ending here, and longer ones. */
interface Node<C> {
  readonly next: Map<string, Node<C>>;
  cell: C | undefined;
}

const node = <C>(): Node<C> => ({ next: new Map(), cell: undefined });

interface Report<C> {
  cells: Cells<C>;
  time: number;
  temporality: AggregationTemporality;
}

/** A reader as the streams see it: the temporality it wants for an instrument. */
export interface ReaderHandle {
  temporality(descriptor: ExportedDescriptor): AggregationTemporality;
}

abstract class Stream<C extends Cell, V> {
  readonly descriptor: ExportedDescriptor;
  private active: Cells<C> = new Map();
  private lookup: Node<C> = node();
  /** Per reader, the intervals it has not collected yet, merged. */
  private readonly unreported = new Map<ReaderHandle, Cells<C>>();
  private readonly reported = new Map<ReaderHandle, Report<C>>();

  constructor(def: MetricDefinition) {
    this.descriptor = exportedDescriptor(def);
  }

  /**
   * The series' cell in the current interval, if it has one: the hot path. A metric always
   * passes its attribute values in the same order; a shorter path is a different series.
   */
  get(a: string, b?: string, c?: string, d?: string, e?: string): C | undefined {
    let at = this.lookup.next.get(a);
    if (b !== undefined) at = at?.next.get(b);
    if (c !== undefined) at = at?.next.get(c);
    if (d !== undefined) at = at?.next.get(d);
    if (e !== undefined) at = at?.next.get(e);
    return at?.cell;
  }

  /** Opens a series' cell for the interval, after a miss of get() with the same values. */
  open(attributes: Attributes, ...values: (string | undefined)[]): C {
    if (this.active.size >= CARDINALITY_LIMIT - 1) {
      // Not reachable through get(): each further point of such a series comes back here.
      let overflow = this.active.get(OVERFLOW_KEY);
      if (overflow === undefined) {
        overflow = this.create(OVERFLOW_ATTRIBUTES, Date.now());
        this.active.set(OVERFLOW_KEY, overflow);
      }
      return overflow;
    }
    const path = values.filter((v): v is string => v !== undefined);
    let at = this.lookup;
    for (const value of path) {
      let next = at.next.get(value);
      if (next === undefined) {
        next = node();
        at.next.set(value, next);
      }
      at = next;
    }
    const cell = this.create(attributes, Date.now());
    at.cell = cell;
    this.active.set(JSON.stringify(path), cell);
    return cell;
  }

  /** Readers must all be known before the first collection, as with the OTel SDK. */
  addReader(reader: ReaderHandle): void {
    this.unreported.set(reader, new Map());
  }

  /** What `reader` exports for this metric now (`undefined`: no series, so no metric). */
  collect(reader: ReaderHandle, now: number): MetricData | undefined {
    const interval = this.active;
    this.active = new Map();
    this.lookup = node();
    for (const [other, cells] of this.unreported) {
      this.unreported.set(other, this.merged(cells, interval));
    }
    const fresh = this.unreported.get(reader) ?? new Map<string, C>();
    this.unreported.set(reader, new Map());
    const last = this.reported.get(reader);
    const temporality = last?.temporality ?? reader.temporality(this.descriptor);
    const cumulative = temporality === AggregationTemporality.CUMULATIVE;
    const cells = cumulative && last !== undefined ? this.merged(last.cells, fresh) : fresh;
    this.reported.set(reader, { cells, time: now, temporality });
    if (cells.size === 0) return undefined;
    const endTime = millisToHrTime(now);
    const points: DataPoint<V>[] = [];
    for (const [key, cell] of cells) {
      // A delta series reported last time starts where that report ended (as in the OTel SDK).
      const start = !cumulative && last?.cells.has(key) === true ? last.time : cell.start;
      points.push({
        attributes: cell.attributes,
        startTime: millisToHrTime(start),
        endTime,
        value: this.value(cell),
      });
    }
    return this.metricData(temporality, points);
  }

  /** Merges without touching either side: their cells may be shared with other readers. */
  private merged(into: Cells<C>, from: Cells<C>): Cells<C> {
    if (from.size === 0) return into;
    if (into.size === 0) return from;
    const out = new Map(into);
    for (const [key, cell] of from) {
      const previous = out.get(key);
      out.set(key, previous === undefined ? cell : this.merge(previous, cell));
    }
    return out;
  }

  protected abstract create(attributes: Attributes, start: number): C;
  /** A new cell holding `a` then `b`, starting when `a` did. */
  protected abstract merge(a: C, b: C): C;
  protected abstract value(cell: C): V;
  protected abstract metricData(
    temporality: AggregationTemporality,
    points: DataPoint<V>[],
  ): MetricData;
}

/** A monotonic counter; callers add to `cell.value` (never a negative amount). */
export class SumStream extends Stream<SumCell, number> {
  protected create(attributes: Attributes, start: number): SumCell {
    return { attributes, start, value: 0 };
  }

  protected merge(a: SumCell, b: SumCell): SumCell {
    return { attributes: a.attributes, start: a.start, value: a.value + b.value };
  }

  protected value(cell: SumCell): number {
    return cell.value;
  }

  protected metricData(temporality: AggregationTemporality, points: DataPoint<number>[]) {
    return {
      descriptor: this.descriptor,
      aggregationTemporality: temporality,
      dataPointType: DataPointType.SUM as const,
      dataPoints: points,
      isMonotonic: true,
    };
  }
}

/** An explicit-bucket histogram with min and max. */
export class HistogramStream extends Stream<HistogramCell, Histogram> {
  private readonly bounds: readonly number[];

  constructor(def: MetricDefinition & { buckets: readonly number[] }) {
    super(def);
    this.bounds = def.buckets;
  }

  /** Adds one value; the callers' values are finite and >= 0 (durations, validated tokens). */
  observe(cell: HistogramCell, value: number): void {
    cell.count += 1;
    cell.sum += value;
    if (value < cell.min) cell.min = value;
    if (value > cell.max) cell.max = value;
    const bounds = this.bounds;
    // Upper bounds are inclusive; values are mostly small, so a forward scan ends early.
    let i = 0;
    while (i < bounds.length && value > (bounds[i] as number)) i++;
    (cell.counts[i] as number)++;
  }

  protected create(attributes: Attributes, start: number): HistogramCell {
    const counts = new Array<number>(this.bounds.length + 1).fill(0);
    return { attributes, start, count: 0, sum: 0, min: Infinity, max: -Infinity, counts };
  }

  protected merge(a: HistogramCell, b: HistogramCell): HistogramCell {
    return {
      attributes: a.attributes,
      start: a.start,
      count: a.count + b.count,
      sum: a.sum + b.sum,
      min: Math.min(a.min, b.min),
      max: Math.max(a.max, b.max),
      counts: a.counts.map((n, i) => n + (b.counts[i] as number)),
    };
  }

  protected value(cell: HistogramCell): Histogram {
    const hasMinMax = cell.count > 0;
    return {
      min: hasMinMax ? cell.min : undefined,
      max: hasMinMax ? cell.max : undefined,
      sum: cell.sum,
      buckets: { boundaries: [...this.bounds], counts: [...cell.counts] },
      count: cell.count,
    };
  }

  protected metricData(temporality: AggregationTemporality, points: DataPoint<Histogram>[]) {
    return {
      descriptor: this.descriptor,
      aggregationTemporality: temporality,
      dataPointType: DataPointType.HISTOGRAM as const,
      dataPoints: points,
    };
  }
}
