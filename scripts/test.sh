#!/usr/bin/env bash
# The whole test suite, as `npm test` runs it: system deps, lint and format, strict build, tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-test-deps.sh
npx biome check .
npm run build
npm run typecheck
node --import tsx scripts/gen-errors-doc.ts --check
npx vitest run "$@"
