/** The tenantry config `tenantry demo --with-server` starts its server with. */

export interface DemoServerOptions {
  host: string;
  port: number;
  dataDir: string;
  /** JSON webhook receivers of the demo's alerts (`--webhook`). */
  webhooks?: string[];
}

export function demoServerConfig(options: DemoServerOptions): Record<string, unknown> {
  return {
    // `tenantry demo` starts evaluation itself once the backfilled hour is stored: evaluating a
    // half-loaded hour would settle token baselines (cached for minutes) on partial data.
    server: {
      host: options.host,
      port: options.port,
      dataDir: options.dataDir,
      evaluateAlerts: false,
    },
    // USD per million tokens for the models the simulated tenants use.
    pricing: {
      models: {
        'gpt-4o-mini': { input: 0.15, output: 0.6 },
        'gpt-4o': { input: 2.5, output: 10 },
        'claude-sonnet-4': { input: 3, output: 15 },
        'llama-3.1-70b': { input: 0.88, output: 0.88 },
        'mistral-large': { input: 2, output: 6 },
        'gemini-2.0-flash': { input: 0.1, output: 0.4 },
      },
    },
    alerts: {
      // Evaluated every 5 s and with a 5 s `for` on the failure rate, so the incident that the
      // backfill already holds pages within ~15 s of start instead of the production 1 minute.
      interval: '5s',
      webhooks: (options.webhooks ?? []).map((url) => ({ url, format: 'json' })),
      rules: [
        {
          id: 'default.failure-rate',
          name: 'Agent run failure rate above 5%',
          kind: 'failure_rate',
          threshold: 0.05,
          window: '10m',
          min_runs: 10,
          for: '5s',
          severity: 'critical',
        },
      ],
    },
  };
}
