import { describe, expect, it } from 'vitest';
import { loadConfig, parseHeaders } from './config.js';

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
