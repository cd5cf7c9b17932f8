import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { build } from 'vite';
import { launchChromium } from '../../../test/helpers/chromium.js';

export const UI_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const SCREENSHOTS = fileURLToPath(new URL('../../../docs/screenshots/', import.meta.url));

/** Builds the dashboard from source into a temp dir, so the test never serves a stale dist. */
export async function buildUi(): Promise<{ dir: string; remove: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'tenantry-ui-'));
  // Vitest sets NODE_ENV=test, and Vite keeps a NODE_ENV it finds: React would ship its slow
  // development build. The browser tests must see what `npm run build` ships.
  const previous = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      root: UI_ROOT,
      configFile: join(UI_ROOT, 'vite.config.ts'),
      mode: 'production',
      logLevel: 'error',
      build: { outDir: dir, emptyOutDir: true },
    });
  } finally {
    process.env.NODE_ENV = previous;
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The suite's Chromium (test/helpers/chromium.ts). */
export const launch = launchChromium;

/**
 * ms from the API response that fed a page to the frame after it drew (the app's performance mark
 * whose `detail[key]` reaches `min`), and from navigation start to that frame.
 */
export async function renderAfterData(
  page: Page,
  apiPathPrefix: string,
  mark: string,
  key: string,
  min: number,
): Promise<{ afterDataMs: number; fromNavigationMs: number }> {
  return page.evaluate(
    async ({ apiPathPrefix, mark, key, min }) => {
      for (let i = 0; i < 400; i++) {
        const m = performance
          .getEntriesByName(mark)
          .find((e) => Number((e as PerformanceMark).detail?.[key]) >= min);
        const res = performance
          .getEntriesByType('resource')
          .filter((r) => new URL(r.name).pathname.startsWith(apiPathPrefix))
          .at(0) as PerformanceResourceTiming | undefined;
        if (m && res)
          return { afterDataMs: m.startTime - res.responseEnd, fromNavigationMs: m.startTime };
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`no ${mark} mark with ${key} >= ${min} after ${apiPathPrefix}`);
    },
    { apiPathPrefix, mark, key, min },
  );
}
