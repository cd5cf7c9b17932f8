/**
 * A host app for the exit-flush tests: records one run for the tenant in argv[2] and never calls
 * shutdown(). `wait` keeps it alive until a signal arrives; `handles` adds its own SIGTERM handler.
 */
import { agentRun, getLogger, init, toolCall } from '../index.js';

const [tenantId = 'acme', mode = 'return', timeout] = process.argv.slice(2);
init({
  serviceName: 'exit-app',
  ...(timeout === undefined ? {} : { flushOnExit: { timeoutMillis: Number(timeout) } }),
});
const log = getLogger({ destination: { write: () => true } });
await agentRun({ tenantId, agentId: 'exit-v1' }, async () => {
  log.info({ step: 1 }, 'working');
  await toolCall({ name: 'lookup' }, async () => 'ok');
});
if (mode === 'wait') {
  if (process.argv.includes('handles')) {
    process.on('SIGTERM', () => setTimeout(() => process.exit(0), 1000));
  }
  setInterval(() => {}, 1000);
  process.stdout.write('ready\n');
}
