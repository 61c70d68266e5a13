#!/usr/bin/env bash
# Installs the npm packages of the integration tests (the AWS SDK client and aws-lambda-ric)
# with `npm ci`, only when node_modules is missing or package-lock.json changed since.
set -euo pipefail

cd "$(dirname "$0")/../tests/integration"
stamp=node_modules/.kumo-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  exit 0
fi

echo "install-test-deps: npm ci in tests/integration"
# aws-lambda-ric compiles a native addon; with nodedir it uses the installed node headers
# instead of downloading them.
export npm_config_nodedir=${npm_config_nodedir:-/usr}
npm ci --no-audit --no-fund --loglevel=error
echo "$want" > "$stamp"
