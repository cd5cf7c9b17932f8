/** What `tenantry demo` prints: where to click and what to look for. */
import type { TenantProfile } from './tenants.js';

export function tourText(
  dashboardUrl: string,
  adminKey: string | null,
  tenants: readonly TenantProfile[],
): string {
  const lines = [
    '',
    `  dashboard   ${dashboardUrl}`,
    ...(adminKey !== null ? [`  admin key   ${adminKey}`] : []),
    '',
    '  tenants',
    ...tenants.map((t) => `    ${t.id.padEnd(9)} ${t.model.padEnd(17)} ${t.label}`),
    '',
    '  guided tour',
    '    1. Overview: seven tenants with an hour of history. Sort by failure rate: tenant-b is on top.',
    '    2. tenant-b: 8 min ago its cell got demo-worker 2.14.0 (the deploy marker on its charts),',
    '       which stopped invalidating the account cache. For 4 min it answered from stale data and',
    '       users marked answers wrong; then the cache refused the stale entries and runs failed.',
    '       Alerts: "Agent run failure rate above 5%" is firing for tenant-b and already names the',
    '       suspect: execute_tool get_account_data failed with StaleCacheError, since 2.14.0 (the',
    '       tenant page\'s "What failing runs share" panel shows the same). A fix (2.14.1) ships',
    '       after a few minutes of live traffic.',
    '    3. tenant-d: runaway_run and token_anomaly fire for it alone. Its runs call lookup_order',
    '       with the same arguments 30 times; its token share jumps, and the shared LLM slows down,',
    "       so the other tenants' p95 latency rises with it (tenant page, llm latency p95).",
    '    4. Doctor: zero orphan spans and zero mixed-tenant traces, though every run crosses the',
    '       gateway and the worker process and a queue.',
    '',
  ];
  return `${lines.join('\n')}\n`;
}
