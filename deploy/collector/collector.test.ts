import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

interface Pipeline {
  receivers: string[];
  processors?: string[];
  exporters: string[];
}

interface CollectorConfig {
  receivers: Record<string, unknown>;
  processors: Record<string, unknown>;
  exporters: Record<string, { endpoint?: string; headers?: Record<string, string> }>;
  service: { pipelines: Record<string, Pipeline> };
}

const text = readFileSync(fileURLToPath(new URL('./otel-collector.yaml', import.meta.url)), 'utf8');
const config = parse(text) as CollectorConfig;

describe('deploy/collector/otel-collector.yaml', () => {
  it('has traces, logs and metrics pipelines whose components are all defined', () => {
    const pipelines = config.service.pipelines;
    expect(Object.keys(pipelines).sort()).toEqual(['logs', 'metrics', 'traces']);
    for (const [name, p] of Object.entries(pipelines)) {
      for (const r of p.receivers)
        expect(config.receivers, `${name} receiver ${r}`).toHaveProperty([r]);
      for (const x of p.processors ?? []) {
        expect(config.processors, `${name} processor ${x}`).toHaveProperty([x]);
      }
      for (const e of p.exporters)
        expect(config.exporters, `${name} exporter ${e}`).toHaveProperty([e]);
      // memory_limiter must run first, batch last, as the collector docs recommend.
      expect(p.processors?.[0]).toBe('memory_limiter');
      expect(p.processors?.at(-1)).toBe('batch');
    }
  });

  it('fans traces out to tenantry and to Tempo, Langfuse and Honeycomb; every signal reaches tenantry', () => {
    const { traces, logs, metrics } = config.service.pipelines;
    expect(traces?.exporters).toEqual(
      expect.arrayContaining([
        'otlphttp/tenantry',
        'otlp/tempo',
        'otlphttp/langfuse',
        'otlp/honeycomb',
      ]),
    );
    expect(logs?.exporters).toContain('otlphttp/tenantry');
    expect(metrics?.exporters).toContain('otlphttp/tenantry');
  });

  it('authenticates to tenantry with an ingest key from the environment, never a literal secret', () => {
    const tenantry = config.exporters['otlphttp/tenantry'];
    // The collector's own `${env:NAME}` substitution syntax, not a JS template.
    const env = (name: string) => `\${env:${name}}`;
    expect(tenantry?.endpoint).toBe(env('TENANTRY_ENDPOINT'));
    expect(tenantry?.headers?.Authorization).toBe(`Bearer ${env('TENANTRY_INGEST_KEY')}`);
    expect(text).not.toMatch(/tnt_[A-Za-z0-9_-]{8,}/);
    for (const exporter of Object.values(config.exporters)) {
      for (const value of Object.values(exporter.headers ?? {}))
        expect(value).toMatch(/\$\{env:\w+\}/);
    }
  });
});
