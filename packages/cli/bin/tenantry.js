#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node --max-semi-space-size=32 --initial-old-space-size=256
// The `tenantry` command. A committed file, so `npm ci` links it (and makes it executable) before
// `npm run build` has written dist/; the shebang matches src/bin.ts (read there for the why).
import '../dist/bin.js';
