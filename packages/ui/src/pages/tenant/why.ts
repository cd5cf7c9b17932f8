import type { WhyFieldName, WhySide } from '../../api/types.js';

/** How the why panel names each facet. */
export const FIELD_LABEL: Record<WhyFieldName, string> = {
  'span.name': 'Span',
  'failed.span': 'Failed span',
  'tool.name': 'Tool',
  'failed.tool': 'Failed tool',
  'error.type': 'Error type',
  'status.message': 'Error message',
  operation: 'Operation',
  model: 'Model',
  provider: 'Provider',
  'agent.name': 'Agent',
  'service.name': 'Service',
  'service.version': 'Version',
  'deployment.environment.name': 'Environment',
};

/** "13 (100%)": runs of one side carrying the value and their share of that side. */
export function sideText(s: WhySide): string {
  return `${s.runs} (${Math.round(s.share * 100)}%)`;
}
