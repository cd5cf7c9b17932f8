/**
 * Hands the SDK's own aggregation (AggregatedMetrics) to every reader of the MeterProvider that
 * init() builds, next to what the OTel SDK collects from other libraries' instruments.
 *
 * sdk-metrics 2.x lets a reader take extra `metricProducers` only in its constructor, and a
 * producer is not told which reader asks, while each reader needs its own temporality state.
 * So each reader is wrapped: the MeterProvider hands the wrapper its SDK producer, and the reader
 * behind it gets one that adds this reader's view of the streams to every collection.
 */
import type {
  AggregationOption,
  AggregationTemporality,
  CollectionResult,
  IMetricReader,
  InstrumentType,
  MetricCollectOptions,
  MetricData,
  MetricProducer,
} from '@opentelemetry/sdk-metrics';
import type { ExportedDescriptor } from './definitions.js';
import type { ReaderHandle } from './streams.js';

export interface ProducedStream {
  addReader(reader: ReaderHandle): void;
  collect(reader: ReaderHandle, now: number): MetricData | undefined;
}

export interface Scope {
  name: string;
  version: string;
}

export class TenantMetricsProducer {
  constructor(
    private readonly scope: Scope,
    private readonly streams: readonly ProducedStream[],
  ) {}

  /** `reader` wrapped so that its collections include the streams; pass it to the MeterProvider. */
  wrap(reader: IMetricReader): IMetricReader {
    return new ReaderWithTenantMetrics(reader, this);
  }

  register(reader: ReaderHandle): void {
    for (const stream of this.streams) stream.addReader(reader);
  }

  /** Adds the streams' metrics to an SDK collection, in this SDK's scope as the OTel SDK would. */
  addTo(result: CollectionResult, reader: ReaderHandle): CollectionResult {
    const now = Date.now();
    const metrics: MetricData[] = [];
    for (const stream of this.streams) {
      const data = stream.collect(reader, now);
      if (data !== undefined) metrics.push(data);
    }
    if (metrics.length === 0) return result;
    const { scopeMetrics } = result.resourceMetrics;
    const own = scopeMetrics.find(
      (s) =>
        s.scope.name === this.scope.name &&
        s.scope.version === this.scope.version &&
        s.scope.schemaUrl === undefined,
    );
    if (own !== undefined) own.metrics.unshift(...metrics);
    else {
      // init() creates this scope's meter before any other library can get one.
      scopeMetrics.unshift({
        scope: { name: this.scope.name, version: this.scope.version, schemaUrl: undefined },
        metrics,
      });
    }
    return result;
  }
}

/** Forwards everything to `inner`, except that the producer it is given adds the streams. */
class ReaderWithTenantMetrics implements IMetricReader, ReaderHandle {
  constructor(
    private readonly inner: IMetricReader,
    private readonly producer: TenantMetricsProducer,
  ) {}

  setMetricProducer(sdk: MetricProducer): void {
    this.producer.register(this);
    this.inner.setMetricProducer({
      collect: async (options?: MetricCollectOptions) =>
        this.producer.addTo(await sdk.collect(options), this),
    });
  }

  temporality(descriptor: ExportedDescriptor): AggregationTemporality {
    return this.inner.selectAggregationTemporality(descriptor.type);
  }

  selectAggregation(type: InstrumentType): AggregationOption {
    return this.inner.selectAggregation(type);
  }

  selectAggregationTemporality(type: InstrumentType): AggregationTemporality {
    return this.inner.selectAggregationTemporality(type);
  }

  selectCardinalityLimit(type: InstrumentType): number {
    return this.inner.selectCardinalityLimit(type);
  }

  collect(options?: Parameters<IMetricReader['collect']>[0]): Promise<CollectionResult> {
    return this.inner.collect(options);
  }

  shutdown(options?: Parameters<IMetricReader['shutdown']>[0]): Promise<void> {
    return this.inner.shutdown(options);
  }

  forceFlush(options?: Parameters<IMetricReader['forceFlush']>[0]): Promise<void> {
    return this.inner.forceFlush(options);
  }
}
