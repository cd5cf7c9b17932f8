#!/usr/bin/env bash
# Installs the system packages the test suite drives for real: Chromium (dashboard e2e),
# clickhouse-server (storage contract suite, multi-node test), ZooKeeper (ON CLUSTER DDL), prometheus
# (promtool rule tests), and chDB, the current ClickHouse engine in-process (the contract suite's second ClickHouse).
# Idempotent: does nothing when everything is already there.
set -euo pipefail

# chDB is 178 MB packed (a 566 MB libchdb.so), so it is not a devDependency: a user's `npm ci` for
# the demo must not fetch it. It goes to a cache outside the repo, which `npm ci` does not wipe;
# test/helpers/chdb.ts reads the same path. Versions are exact, transitive ones too (overrides).
CHDB_VERSION=3.4.0
chdb_dir="${TENANTRY_CHDB_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/tenantry/chdb-$CHDB_VERSION}"
if [ "$(node -p "try{require('$chdb_dir/node_modules/chdb/package.json').version}catch{''}" 2>/dev/null)" != "$CHDB_VERSION" ]; then
  echo "install-test-deps: installing chdb@$CHDB_VERSION into $chdb_dir"
  mkdir -p "$chdb_dir"
  cat >"$chdb_dir/package.json" <<JSON
{
  "name": "tenantry-test-chdb",
  "private": true,
  "dependencies": { "chdb": "$CHDB_VERSION" },
  "overrides": {
    "@chdb/lib-linux-x64-gnu": "26.7.3-stable.1",
    "@clickhouse/client-common": "1.23.0",
    "node-addon-api": "6.1.0",
    "node-gyp-build": "4.8.4"
  }
}
JSON
  (cd "$chdb_dir" && npm install --no-audit --no-fund --no-package-lock --loglevel=error >/dev/null)
fi
# `install-test-deps.sh chdb`: only chDB (npm run test:clickhouse-current needs nothing else).
if [ "${1:-}" = "chdb" ]; then
  exit 0
fi

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v clickhouse-server >/dev/null 2>&1 || need+=(clickhouse-server clickhouse-client)
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
command -v openssl >/dev/null 2>&1 || need+=(openssl) # certificates for the ClickHouse TLS test
command -v docker-compose >/dev/null 2>&1 || need+=(docker-compose) # parses deploy/container/compose.yaml
# ZooKeeper coordinates ClickHouse's ON CLUSTER DDL (test/helpers/zookeeper.ts runs the jar itself).
[ -f /usr/share/java/zookeeper.jar ] || need+=(libzookeeper-java libslf4j-java)
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-test-deps: missing ${need[*]} and not root; install them with apt-get" >&2
  exit 1
fi

echo "install-test-deps: installing ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
