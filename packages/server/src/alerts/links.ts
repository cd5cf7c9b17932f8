/**
 * Dashboard deep links (the UI routes `/tenants/<t>/runs?...` and `/traces/<id>`); times are ISO so
 * the link still shows the incident's window when opened hours later.
 */
function base(dashboardUrl: string): string {
  return dashboardUrl.replace(/\/+$/, '');
}

export function tenantRunsUrl(
  dashboardUrl: string,
  tenantId: string,
  range: { fromMs: number; toMs: number },
  onlyFailures: boolean,
): string {
  const q = new URLSearchParams();
  if (onlyFailures) q.set('status', 'error');
  q.set('from', new Date(range.fromMs).toISOString());
  q.set('to', new Date(range.toMs).toISOString());
  return `${base(dashboardUrl)}/tenants/${encodeURIComponent(tenantId)}/runs?${q.toString()}`;
}

export function traceUrl(dashboardUrl: string, traceId: string): string {
  return `${base(dashboardUrl)}/traces/${encodeURIComponent(traceId)}`;
}
