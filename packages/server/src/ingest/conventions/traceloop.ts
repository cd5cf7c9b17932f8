import type { Attributes } from '../../storage/types.js';
import { type ConventionFields, str } from './fields.js';

/**
 * OpenLLMetry (@traceloop/node-server-sdk 0.27 decorators and withWorkflow/withTask/withAgent/
 * withTool): `traceloop.span.kind` with `traceloop.entity.name`. These spans orchestrate; the model
 * calls below them come from its instrumentations (instrumentation-openai 0.27), which send plain
 * gen_ai.* and are read by the GenAI reader. Returns false for a kind it does not know.
 */
export function readTraceloop(f: ConventionFields, a: Attributes, kind: string): boolean {
  switch (kind) {
    case 'workflow':
    case 'task':
    case 'session':
      f.operation = 'workflow';
      return true;
    case 'agent':
      f.operation = 'invoke_agent';
      f.agentName = str(a, 'traceloop.entity.name');
      return true;
    case 'tool':
      f.operation = 'execute_tool';
      f.toolName = str(a, 'gen_ai.tool.name') ?? str(a, 'traceloop.entity.name');
      return true;
    default:
      return false;
  }
}
