import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, parseHeaders } from './config.js';
import { warnUnknownOptions } from './diag/unknown-options.js';
import { resetWarnings, setWarnSink } from './diag/warn.js';
import { init } from './init.js';

describe('loadConfig', () => {
  it('honours the standard OTEL_* variables and lets options win', () => {
    const env = {
      OTEL_SERVICE_NAME: 'from-env',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/',
      OTEL_EXPORTER_OTLP_HEADERS: 'x-team=agents,authorization=Bearer%20tnt_env',
    };
    const fromEnv = loadConfig({}, env);
    expect(fromEnv.serviceName).toBe('from-env');
    expect(fromEnv.endpoint).toBe('http://collector:4318');
    expect(fromEnv.exporter).toBe('otlp');
    expect(fromEnv.metrics.exporter).toBe('otlp');
    expect(fromEnv.headers).toEqual({ 'x-team': 'agents', authorization: 'Bearer tnt_env' });

    const overridden = loadConfig({ serviceName: 'svc', apiKey: 'tnt_opt', exporter: 'none' }, env);
    expect(overridden.serviceName).toBe('svc');
    expect(overridden.headers.Authorization).toBe('Bearer tnt_opt');
    expect(overridden.metrics.exporter).toBe('none');
  });

  it('defaults to the console without an endpoint and clamps bad numbers', () => {
    const config = loadConfig({ sampling: 7, maxAttributeLength: -1 }, {});
    expect(config.exporter).toBe('console');
    expect(config.logs.exporter).toBe('none');
    expect(config.sampling).toBe(1);
    expect(config.maxAttributeLength).toBe(16);
  });

  it('skips malformed header pairs', () => {
    expect(parseHeaders('a=1,,=x,b,c=%E0%A4%A')).toEqual({ a: '1', c: '%E0%A4%A' });
  });
});

describe('one name per concept', () => {
  afterEach(() => {
    setWarnSink(undefined);
    resetWarnings();
  });

  it('reads the ingest key from TENANTRY_INGEST_KEY unless apiKey or an Authorization header is given', () => {
    const env = { TENANTRY_INGEST_KEY: 'tnt_env' };
    expect(loadConfig({}, env).headers.Authorization).toBe('Bearer tnt_env');
    expect(loadConfig({ apiKey: 'tnt_opt' }, env).headers.Authorization).toBe('Bearer tnt_opt');
    const withHeader = loadConfig(
      {},
      { ...env, OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20tnt_hdr' },
    );
    expect(withHeader.headers).toEqual({ authorization: 'Bearer tnt_hdr' });
  });

  it('init() warns once per unknown option, suggesting the nearest known one, and does not throw', async () => {
    const lines: string[] = [];
    setWarnSink((m) => lines.push(m));
    const options = {
      exporter: 'none',
      sampleRatio: 0,
      metrics: { exporter: 'none', prometheusPort: 9464 },
      logs: { exporter: 'none' },
    } as unknown as Parameters<typeof init>[0];
    const handle = init(options);
    const again = init(options);
    await again.shutdown();
    await handle.shutdown();
    expect(lines).toEqual([
      "init(): unknown option 'sampleRatio' is ignored; did you mean 'sampling'?",
      "init(): unknown option 'metrics.prometheusPort' is ignored; did you mean 'metrics.prometheus'?",
    ]);
  });

  it('names no suggestion when nothing known is close', () => {
    expect(warnUnknownOptions({ zzz: 1 }, 'test')).toEqual(["unknown option 'zzz' is ignored"]);
  });

  it('bounds the exit flush and lets it be turned off', () => {
    expect(loadConfig({}, {}).flushOnExit).toEqual({ timeoutMillis: 5000 });
    expect(loadConfig({ flushOnExit: { timeoutMillis: 1 } }, {}).flushOnExit).toEqual({
      timeoutMillis: 100,
    });
    expect(loadConfig({ flushOnExit: false }, {}).flushOnExit).toBeUndefined();
  });
});
