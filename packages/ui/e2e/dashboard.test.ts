import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/helpers/server.js';
import type {
  AlertHistoryResponse,
  AlertsResponse,
  LogsResponse,
  TenantsResponse,
} from '../../server/src/query/contract.js';
import { buildUi, launch, renderAfterData, SCREENSHOTS } from './browser.js';
import { type SeedResult, STALE_MESSAGE, seed } from './seed.js';

/**
 * The on-call path through the real server, fed over OTLP: log in, pick tenant B, see its firing
 * alert, open a failing run and find the stale-cache tool span with its logs. Screenshots of every
 * page go to docs/screenshots; the overview and waterfall timings are printed, never asserted.
 */

let server: TestServer;
let browser: Browser;
let data: SeedResult;
let removeUi: () => void = () => {};

// USD per million tokens, so the cost columns have numbers.
const PRICING = {
  models: {
    'gpt-4o-mini': { input: 0.15, output: 0.6 },
    'gpt-4o-mini-2024-07-18': { input: 0.15, output: 0.6 },
  },
};

const ALERTS = {
  defaults: false,
  // Often enough to fire within the setup, rare enough not to starve the browser on a small box.
  interval: '3s',
  rules: [
    {
      id: 'tenant-failure-rate',
      name: 'Run failure rate',
      kind: 'failure_rate',
      threshold: 0.3,
      window: '1h',
      min_runs: 5,
      for: '0s',
      severity: 'critical',
    },
  ],
};

async function until<T>(
  what: string,
  probe: () => Promise<T | null>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== null) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function shot(page: Page, name: string): Promise<void> {
  await page.waitForLoadState('networkidle');
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

async function newPage(): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  return ctx.newPage();
}

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const ui = await buildUi();
  removeUi = ui.remove;
  server = await startTestServer({ uiDir: ui.dir, config: { alerts: ALERTS, pricing: PRICING } });
  data = await seed(server.url, server.ingestKey);
  // A deploy marker in tenant-b's hour, as a CI pipeline would post it (drawn on its charts).
  const deploy = await server.api('/api/v1/events', server.adminKey, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      kind: 'deploy',
      title: 'billing-assistant 2.4.0',
      tenantId: 'tenant-b',
      serviceName: 'support-platform',
      version: '2.4.0',
      time: Date.now() - 30 * 60_000,
    }),
  });
  if (deploy.status !== 201) throw new Error(`event not created: ${JSON.stringify(deploy.body)}`);
  // Ingest is acknowledged before it is queryable; wait for the fleet and for the alert engine.
  let seen = 0;
  await until('1,000 tenants', async () => {
    const r = await server.api<TenantsResponse>('/api/v1/tenants?limit=1000');
    seen = r.body.items?.length ?? 0;
    if (r.status !== 200) console.warn('tenants', r.status, JSON.stringify(r.body));
    return seen >= 1000 ? true : null;
  }).catch(async (err: Error) => {
    const m = await server.scrapeMetrics();
    const lines = m
      .split('\n')
      .filter((l) => /rejected|otlp_requests|queue|dropped/.test(l) && !l.startsWith('#'));
    throw new Error(`${err.message} (saw ${seen}) ${lines.join(' | ')}`);
  });
  await until('tenant-b logs', async () => {
    const r = await server.api<LogsResponse>('/api/v1/logs?tenant=tenant-b&limit=100');
    return r.body.items.length >= data.tenantBLogs ? true : null;
  });
  await until('tenant-b firing', async () => {
    const r = await server.api<AlertsResponse>('/api/v1/alerts?tenant=tenant-b');
    return r.body.items.some((a) => a.state === 'firing') ? true : null;
  });
  // The transition is written to history shortly after the evaluation that made it.
  await until('tenant-b alert history', async () => {
    const r = await server.api<AlertHistoryResponse>('/api/v1/alerts/history?tenant=tenant-b');
    return r.body.items.some((t) => t.to === 'firing') ? true : null;
  });
  browser = await launch();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  removeUi();
});

describe('dashboard', () => {
  it('takes an admin from login to the stale-cache error of tenant B in a few clicks', async () => {
    const page = await newPage();
    await page.goto(`${server.url}/`);
    await page.getByLabel('API key').fill(server.adminKey);
    await shot(page, 'login');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('tr[data-tenant="tenant-b"]').waitFor();
    expect(await page.getByTestId('overview-count').textContent()).toContain('1,000 tenants');
    // tenant-d burns most of the fleet's tokens: it is called out whatever the sort.
    expect(await page.getByTestId('noisy-neighbours').textContent()).toContain('tenant-d');
    // Sparklines of the visible rows load after the table, a few at a time.
    await page.waitForFunction(
      () => document.querySelectorAll('.spark-cell .sparkline').length >= 15,
    );
    await shot(page, 'overview');

    // The tenant selector: search on the server, pick with the keyboard.
    await page.locator('.tenant-button').click();
    await page.locator('.tenant-option').nth(10).waitFor();
    // Virtualized: 1,000 tenants listed, a screenful of them in the DOM.
    expect(await page.locator('.tenant-footer').textContent()).toContain('1000 tenants');
    expect(await page.locator('.tenant-option').count()).toBeLessThan(60);
    await shot(page, 'tenant-selector');
    await page.getByLabel('Search tenants').fill('tenant-b');
    await page.locator('.tenant-option', { hasText: 'tenant-b' }).waitFor();
    await page.waitForFunction(
      () => document.querySelectorAll('.tenant-option').length === 2, // "All tenants" + tenant-b
    );
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/tenants\/tenant-b$/);
    expect(await page.getByTestId('tenant-current').textContent()).toBe('tenant-b');

    const firing = page.locator('.alerts-table tr[data-alert-state="firing"]');
    await firing.first().waitFor();
    expect(await firing.first().textContent()).toContain('Run failure rate');
    await page.locator('.chart canvas').first().waitFor();
    await page.locator('table.compare').waitFor();
    // The deploy marker: a line with a tooltip and an accessible name on each range chart.
    const marker = page.getByRole('img', { name: /^Deploy at .+: billing-assistant 2\.4\.0/ });
    await marker.first().waitFor();
    expect(await marker.count()).toBe(4);
    expect(await marker.first().getAttribute('title')).toContain('support-platform 2.4.0');
    expect(await marker.first().textContent()).toBe('billing-assistant 2.4.0');
    // Placed at its time: half an hour into the last hour, not at an edge of the plot.
    const at = await marker.first().evaluate((el) => {
      const over = (el.parentElement as HTMLElement).getBoundingClientRect();
      return (el.getBoundingClientRect().left - over.left) / over.width;
    });
    expect(at).toBeGreaterThan(0.3);
    expect(at).toBeLessThan(0.7);
    await shot(page, 'tenant');

    // The alert's own link (the one its webhook carries) lists the failing runs of its window.
    await firing.first().getByRole('link', { name: 'runs' }).click();
    await page.waitForURL(/\/tenants\/tenant-b\/runs\?status=error&from=.+&to=.+/);
    await page.locator('.runs-table tbody tr').first().waitFor();
    expect(await page.locator('.runs-table tbody tr[data-status="ok"]').count()).toBe(0);
    await page.locator('.runs-table a.run-link').first().click();
    await page.waitForURL(/\/traces\/[0-9a-f]{32}/);
    const traceId = /\/traces\/([0-9a-f]{32})/.exec(page.url())?.[1];
    expect(data.failingTraceIds).toContain(traceId);

    await page.locator('[data-span-name="execute_tool get_account_data"]').click();
    const detail = page.locator('.span-detail');
    await detail.locator('h2', { hasText: 'execute_tool get_account_data' }).waitFor();
    const error = await detail.getByTestId('span-error').textContent();
    expect(error).toContain('StaleCacheError');
    expect(error).toContain(STALE_MESSAGE);
    const logs = await detail.getByTestId('span-logs').textContent();
    // Two records were written in this span (at-least-once delivery may repeat one).
    expect(Number(/Logs \((\d+)\)/.exec(logs ?? '')?.[1])).toBeGreaterThanOrEqual(2);
    expect(logs).toContain('get_account_data cache lookup');
    expect(logs).toContain('cache entry age 48h exceeds max age 15m');
    await shot(page, 'trace-waterfall');

    // Each remaining page, as a person on call would move through them.
    await page.getByRole('link', { name: 'Logs', exact: true }).click();
    await page.locator('.logs-table tbody tr').first().waitFor();
    expect(page.url()).toContain('tenant=tenant-b');
    await shot(page, 'logs');

    await page.getByRole('link', { name: 'Alerts', exact: true }).click();
    await page.locator('.rules-table').waitFor();
    // The history loads after the rules: wait for it rather than read a "Loading…".
    await page
      .locator('.alerts-page')
      .getByText(/inactive\s*→\s*firing/)
      .first()
      .waitFor();
    expect(await page.locator('.alerts-page').textContent()).toMatch(/inactive\s*→\s*firing/);
    await shot(page, 'alerts');

    // Doctor across all tenants: the worker span whose parent never arrived, one click away.
    await page.goto(`${server.url}/doctor`);
    const orphan = page.locator('.finding[data-kind="orphan_span"]');
    await orphan.waitFor();
    expect(await orphan.textContent()).toContain('execute_tool send_invoice');
    await shot(page, 'doctor');
    await orphan.locator('a').first().click();
    await page.waitForURL(/\/traces\/abcdef0123456789abcdef0123456789\?span=/);
    const selected = page.locator('.wf-row.selected');
    await selected.waitFor();
    expect(await selected.textContent()).toContain('orphan');

    await page.goto(`${server.url}/tenants/tenant-b/runs?status=error`);
    await page.locator('.runs-table tbody tr').first().waitFor();
    expect(await page.locator('.runs-table tbody tr[data-status="ok"]').count()).toBe(0);
    await shot(page, 'runs');

    await page.getByRole('link', { name: 'Keys', exact: true }).click();
    await page.getByLabel('Name').fill('on-call read key');
    await page.getByRole('button', { name: 'Create key' }).click();
    await page.locator('.created-key .secret').waitFor();
    const secret = await page.locator('.created-key .secret').textContent();
    expect(secret).toMatch(/^tnt_/);
    await shot(page, 'keys');
    // Revoke it (after the confirm dialog); the server then refuses the secret.
    page.once('dialog', (d) => void d.accept());
    const row = page.locator('tr', { hasText: 'on-call read key' });
    await row.getByRole('button', { name: 'Revoke' }).click();
    await row.locator('.badge', { hasText: 'revoked' }).waitFor();
    expect((await server.api('/api/v1/whoami', secret ?? '')).status).toBe(401);

    await page.goto(`${server.url}/`);
    await page.getByRole('button', { name: /Switch to dark theme/ }).click();
    await page.locator('tr[data-tenant="tenant-b"]').waitFor();
    await shot(page, 'overview-dark');
    await page.context().close();
  }, 240_000);

  it('locks a tenant-bound key to its tenant: no other tenant to see or select', async () => {
    const boundKey = await server.createKey('read', 'tenant-b');
    const page = await newPage();
    // The one-click link form: the key is taken off the URL at once.
    await page.goto(`${server.url}/?key=${boundKey}`);
    await page.waitForURL(/\/tenants\/tenant-b$/);
    expect(page.url()).not.toContain('key=');

    const selector = page.locator('.tenant-selector');
    await expect.poll(() => selector.getAttribute('class')).toContain('locked');
    expect(await page.locator('.tenant-button').count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Overview' }).count()).toBe(0);
    await page.locator('.alerts-table tr[data-alert-state="firing"]').first().waitFor();

    // Another tenant's path is rewritten to its own; another tenant's trace is not found.
    await page.goto(`${server.url}/tenants/tenant-a/runs`);
    await page.waitForURL(/\/tenants\/tenant-b\/runs$/);
    await page.goto(`${server.url}/traces/${data.otherTenantTraceId}`);
    await page.locator('.state-error').waitFor();
    expect(await page.locator('.state-error').textContent()).toContain('TENANTRY_E_NOT_FOUND');
    expect(await page.locator('body').textContent()).not.toContain('tenant-a');
    await page.goto(`${server.url}/logs?tenant=tenant-a`);
    await page.locator('.logs-table tbody tr').first().waitFor();
    const tenantsShown = await page.getByTestId('tenant-current').textContent();
    expect(tenantsShown).toBe('tenant-b');
    await shot(page, 'tenant-bound-key');
    await page.context().close();
  }, 120_000);

  it('keeps the time range and auto-refresh in the URL, relative or absolute', async () => {
    const page = await newPage();
    await page.goto(`${server.url}/tenants/tenant-b/runs?key=${server.adminKey}`);
    await page.locator('.runs-table tbody tr').first().waitFor();

    await page.getByLabel('Time range').selectOption('now-6h');
    await page.waitForURL(/from=now-6h/);
    await page.getByLabel('Auto-refresh').selectOption('10s');
    await page.waitForURL(/refresh=10s/);
    // Auto-refresh re-queries without a reload.
    const before = await page.evaluate(() => performance.getEntriesByType('resource').length);
    await expect
      .poll(() => page.evaluate(() => performance.getEntriesByType('resource').length), {
        timeout: 25_000,
      })
      .toBeGreaterThan(before);

    await page.getByLabel('Time range').selectOption('custom');
    await page.getByLabel('From', { exact: true }).fill('2026-01-01T08:00');
    await page.getByLabel('To', { exact: true }).fill('2026-01-01T09:30');
    await page.getByRole('button', { name: 'Apply' }).click();
    // Absolute times go in the URL as UTC ISO, 90 minutes apart as picked in local time.
    await page.waitForURL((u) => {
      const from = Date.parse(u.searchParams.get('from') ?? '');
      const to = Date.parse(u.searchParams.get('to') ?? '');
      return (
        u.searchParams.get('from')?.startsWith('2026-01-01T') === true && to - from === 5_400_000
      );
    });
    // Nothing ran then: the empty state, not an error.
    const state = page.locator('.runs-page .state').first();
    await state.waitFor();
    expect(await state.textContent()).toContain('No runs match');

    // The same URL in a new tab (a key lives in one tab) signs in and shows the same range.
    const link = page.url();
    const again = await page.context().newPage();
    await again.goto(link);
    await again.getByLabel('API key').fill(server.adminKey);
    await again.getByRole('button', { name: 'Sign in' }).click();
    await again.locator('.runs-page .state-empty').waitFor();
    expect(again.url()).toBe(link);
    expect(await again.getByLabel('Time range').inputValue()).toBe('custom');
    await page.context().close();
  }, 120_000);

  it('opens a sub-agent that ran in its own trace from the run that queued it', async () => {
    const page = await newPage();
    await page.goto(`${server.url}/traces/${data.linkedTrace.from}?key=${server.adminKey}`);
    const link = page.locator('.trace-related a', { hasText: 'invoke_agent report-writer' });
    await link.click();
    await page.waitForURL(new RegExp(`/traces/${data.linkedTrace.to}`));
    await page.locator('[data-span-name="invoke_agent report-writer"]').waitFor();
    await page.locator('.trace-related a', { hasText: 'invoke_agent billing-assistant' }).waitFor();
    await page.context().close();
  }, 120_000);

  it('draws 1,000 tenants and a 2,000-span trace (timings printed for the closing note)', async () => {
    const page = await newPage();
    await page.goto(`${server.url}/?key=${server.adminKey}`);
    await page.locator('tr[data-tenant]').first().waitFor();

    // Measure from a quiet start: the previous page's background requests have finished.
    await page.waitForLoadState('networkidle');
    await page.goto(`${server.url}/`);
    const overview = await renderAfterData(
      page,
      '/api/v1/tenants',
      'tenantry:overview-rendered',
      'rows',
      1000,
    );
    await page.waitForLoadState('networkidle');
    await page.goto(`${server.url}/traces/${data.bigTraceId}`);
    const waterfall = await renderAfterData(
      page,
      `/api/v1/traces/${data.bigTraceId}`,
      'tenantry:trace-rendered',
      'spans',
      2000,
    );
    expect(await page.locator('.trace-page').textContent()).toContain('2,000 spans');
    // Virtualized: a screenful of rows in the DOM, not 2,000.
    const rows = await page.locator('.wf-row').count();
    expect(rows).toBeGreaterThan(10);
    expect(rows).toBeLessThan(200);
    await shot(page, 'trace-2000-spans');

    // Scroll the whole waterfall with the keyboard; the selection follows to the last span.
    await page.locator('.wf-body').focus();
    await page.keyboard.press('End');
    await expect
      .poll(() => page.locator('.wf-row.selected').getAttribute('aria-level'))
      .not.toBe('1');

    console.log(
      `PERF overview 1000 tenants: ${overview.afterDataMs.toFixed(0)} ms after data, ${overview.fromNavigationMs.toFixed(0)} ms from navigation`,
    );
    console.log(
      `PERF waterfall 2000 spans: ${waterfall.afterDataMs.toFixed(0)} ms after data, ${waterfall.fromNavigationMs.toFixed(0)} ms from navigation; ${rows} rows in the DOM`,
    );
    await page.context().close();
  }, 120_000);
});
