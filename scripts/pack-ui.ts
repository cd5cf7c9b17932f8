/**
 * The dashboard ships inside @tenantry/server: `npm pack` / `npm publish` of the server run this
 * (its prepack) to copy the built UI (packages/ui/dist) into packages/server/dist/ui, which the
 * server serves when no workspace build is beside it; postpack (`--clean`) removes the copy.
 */
import { cpSync, existsSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const UI_DIST = fileURLToPath(new URL('../packages/ui/dist/', import.meta.url));
const TARGET = fileURLToPath(new URL('../packages/server/dist/ui/', import.meta.url));

if (process.argv.includes('--clean')) {
  rmSync(TARGET, { recursive: true, force: true });
} else {
  if (!existsSync(`${UI_DIST}index.html`)) {
    process.stderr.write('pack-ui: packages/ui/dist/index.html is missing; run `npm run build`\n');
    process.exit(1);
  }
  if (!existsSync(fileURLToPath(new URL('../packages/server/dist/index.js', import.meta.url)))) {
    process.stderr.write('pack-ui: packages/server/dist is missing; run `npm run build`\n');
    process.exit(1);
  }
  rmSync(TARGET, { recursive: true, force: true });
  cpSync(UI_DIST, TARGET, { recursive: true });
}
