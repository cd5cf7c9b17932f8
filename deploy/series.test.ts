import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import {
  agentRun,
  init,
  llmCall,
  type TenantryHandle,
  toolCall,
} from '../packages/sdk/src/index.js';
import { exportSpans, recordRun, recordSpans, traceExporter } from '../test/helpers/otlp.js';
import { groupingLabels, madeLabels, metricUses, scrapedSeries } from '../test/helpers/promql.js';
import { startTestServer, type TestServer } from '../test/helpers/server.js';

/**
 * deploy/ queries metric names by hand; these tests hold them to what is really exposed: the SDK's
 * Prometheus exporter after real runs, and the server's /metrics after real ingest (and refusals).
 */
const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');
const rules = parseYaml(read('./prometheus/rules.yml')) as {
  groups: Array<{ name: string; rules: Array<{ expr: string; record?: string; alert?: string }> }>;
};
const ruleTests = parseYaml(read('./prometheus/rules.test.yml')) as {
  tests: Array<{ input_series: Array<{ series: string }> }>;
};
const dashboard = JSON.parse(read('./grafana/dashboard.json')) as {
  panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
  templating: { list: Array<{ query: unknown }> };
};

let sdk: Map<string, Set<string>>;
let server: Map<string, Set<string>>;
let handle: TenantryHandle | undefined;
let tenantry: TestServer;

beforeAll(async () => {
  const port = await freePort();
  handle = init({
    exporter: 'none',
    flushOnExit: false,
    metrics: { prometheus: { port, host: '127.0.0.1' } },
  });
  for (const failed of [false, true]) {
    await agentRun(
      { tenantId: 'series-a', agentId: 'support-v1', agentName: 'support' },
      async () => {
        await llmCall({ model: 'gpt-4o-mini', provider: 'openai' }, async () => ({
          usage: { prompt_tokens: 10, completion_tokens: 5 },
        }));
        await toolCall({ name: 'lookup' }, async () => {
          if (failed) throw new Error('tool failed');
        }).catch(() => undefined);
        if (failed) throw new Error('run failed');
      },
    ).catch(() => undefined);
  }
  sdk = scrapedSeries(await scrape(`http://127.0.0.1:${port}/metrics`));

  tenantry = await startTestServer({
    alerts: false,
    config: { limits: { tenants: { 'series-slow': { itemsPerSecond: 1, burstItems: 1 } } } },
  });
  const spans = await recordSpans((t) => {
    recordRun(t, { tenantId: 'series-a', tools: [{ name: 'lookup' }] });
    for (let i = 0; i < 5; i++) recordRun(t, { tenantId: 'series-slow' });
  });
  await exportSpans(traceExporter(tenantry.url, tenantry.ingestKey), spans);
  // With the admin key: /metrics is about to require one unless served on its own address.
  server = scrapedSeries(await scrape(`${tenantry.url}/metrics`, tenantry.adminKey));
});
afterAll(async () => {
  await handle?.shutdown();
  await tenantry?.stop();
});

function exprsOf(group: string): string[] {
  return rules.groups.find((g) => g.name === group)!.rules.map((r) => r.expr);
}
const dashboardExprs = () => dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr));

/** Every metric and matcher label an expression uses must exist in `exposed`; groupings too. */
function missing(exprs: string[], exposed: Map<string, Set<string>>): string[] {
  const problems: string[] = [];
  for (const expr of exprs) {
    const uses = metricUses(expr);
    const labelsHere = new Set(['le', ...madeLabels(expr)]);
    for (const use of uses) {
      const labels = exposed.get(use.metric);
      if (labels === undefined) {
        problems.push(`metric ${use.metric} is not exposed`);
        continue;
      }
      for (const l of labels) labelsHere.add(l);
      for (const m of use.matchers) {
        if (!labels.has(m)) problems.push(`${use.metric} has no label ${m}`);
      }
    }
    if (uses.length === 0) continue;
    for (const g of groupingLabels(expr)) {
      if (!labelsHere.has(g) && !g.startsWith('tenant'))
        problems.push(`no metric of "${expr.slice(0, 60)}" has label ${g}`);
      if (!labelsHere.has(g) && g.startsWith('tenant'))
        problems.push(`label ${g} is not on ${uses.map((u) => u.metric).join(', ')}`);
    }
  }
  return [...new Set(problems)];
}

describe('deploy/ queries the series that really exist', () => {
  it('the SDK rules use names and labels the SDK Prometheus exporter exposes after real runs', () => {
    expect(missing(exprsOf('tenantry'), sdk)).toEqual([]);
  });

  it("the server rules use names and labels of the server's own /metrics", () => {
    expect(missing(exprsOf('tenantry-server'), server)).toEqual([]);
  });

  it('every dashboard panel and variable queries an exposed series', () => {
    const both = new Map([...sdk, ...server]);
    expect(missing(dashboardExprs(), both)).toEqual([]);
    const variables = dashboard.templating.list.map((v) => JSON.stringify(v.query));
    expect(
      missing(
        variables.map((q) => q.replace(/^.*label_values\(([^,]+),.*$/, '$1')),
        both,
      ),
    ).toEqual([]);
  });

  it('promtool rule tests feed series that are really exposed', () => {
    const both = new Map([...sdk, ...server]);
    const series = ruleTests.tests.flatMap((t) => t.input_series.map((s) => s.series));
    expect(missing(series, both)).toEqual([]);
  });
});

describe('the metric names table in docs/integrations.md', () => {
  it('names each series with the labels it really has', () => {
    const doc = read('../docs/integrations.md');
    const table = doc.slice(
      doc.indexOf('<!-- metric-names -->'),
      doc.indexOf('<!-- /metric-names -->'),
    );
    const both = new Map([...sdk, ...server]);
    const rows = table.split('\n').filter((l) => l.startsWith('| `'));
    expect(rows.length).toBeGreaterThan(5);
    for (const row of rows) {
      const [names, , , labels] = row
        .split('|')
        .slice(1)
        .map((c) => c.trim());
      const first = names!.match(/`([a-z_]+)`/)![1]!;
      const family = first.replace(/_bucket$/, '');
      const exposed = names!.includes('_bucket')
        ? ['_bucket', '_sum', '_count'].map((suffix) => `${family}${suffix}`)
        : [first];
      for (const name of exposed) {
        expect(both.has(name), name).toBe(true);
        for (const l of labels!.matchAll(/`([a-z_]+)`/g))
          expect([...both.get(name)!], name).toContain(l[1]);
      }
    }
  });
});

async function scrape(url: string, key?: string): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    try {
      const res = await fetch(url, key ? { headers: { authorization: `Bearer ${key}` } } : {});
      if (res.ok) return await res.text();
    } catch (err) {
      if (attempt > 50) throw err;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
