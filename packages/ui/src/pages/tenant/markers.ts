import type { ChangeEventKind, ChangeEventView, WhyChange } from '../../api/types.js';
import type { ChartMarker } from '../../charts/TimeChart.js';

const KIND_WORD: Record<ChangeEventKind, string> = {
  deploy: 'Deploy',
  config_change: 'Config change',
  feature_flag: 'Feature flag',
  incident: 'Incident',
};

const hhmm = (ms: number) =>
  new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

/**
 * What the tenant charts mark: every change event of the range (the tenant's and the platform's)
 * and the first run of each service.version that appeared in it (from the why analysis).
 */
export function chartMarkers(events: ChangeEventView[], changes: WhyChange[]): ChartMarker[] {
  const out: ChartMarker[] = events.map((e) => {
    const at = Date.parse(e.time);
    const what = [e.serviceName, e.version, e.environment].filter(Boolean).join(' ');
    const scope = e.tenantId === null ? ', all tenants' : '';
    return {
      id: e.id,
      at,
      kind: 'event',
      label: e.title,
      description: `${KIND_WORD[e.kind]} at ${hhmm(at)}${scope}: ${e.title}${what ? ` (${what})` : ''}`,
    };
  });
  for (const c of changes) {
    if (c.field !== 'service.version') continue;
    const at = Date.parse(c.firstSeen);
    const name = c.serviceName ? `${c.serviceName} ${c.value}` : c.value;
    out.push({
      id: `version:${c.value}`,
      at,
      kind: 'version',
      label: name,
      description: `First run of ${name} at ${hhmm(at)}`,
    });
  }
  return out.sort((a, b) => a.at - b.at);
}
