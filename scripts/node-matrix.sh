#!/usr/bin/env bash
# Runs tests of the committed HEAD on another Node.js major version:
#   scripts/node-matrix.sh 22 [command ...]     (default command: the smoke set below)
# Node.js comes from the npm registry (the node-<os>-<arch> package carries the binary and the
# headers, which better-sqlite3's compile needs), kept in .cache/. HEAD is cloned into a
# temporary directory and installed there with that Node.js, so this checkout's node_modules,
# compiled for the Node.js it runs on, are left alone.
set -euo pipefail
major="${1:?usage: scripts/node-matrix.sh <node major version> [command ...]}"
shift
root="$(cd "$(dirname "$0")/.." && pwd)"

case "$(uname -m)" in
  x86_64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "no Node.js package for $(uname -m)" >&2; exit 2 ;;
esac
package="node-$(uname -s | tr '[:upper:]' '[:lower:]')-${arch}"
cache="$root/.cache/node-$major"
if [ ! -x "$cache/bin/node" ]; then
  mkdir -p "$cache"
  tarball="$(cd "$cache" && npm pack --silent "${package}@${major}")"
  tar -xzf "$cache/$tarball" -C "$cache" --strip-components=1
  rm -f "$cache/$tarball"
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/hextrackr-node${major}-XXXXXX")"
trap 'rm -rf "$work"' EXIT
git clone -q "$root" "$work/hextrackr"
cd "$work/hextrackr"
export PATH="$cache/bin:$PATH" npm_config_nodedir="$cache"
echo "node $(node --version): installing $(git rev-parse --short HEAD) in $work"
npm ci --no-audit --no-fund --loglevel=error

if [ "$#" -eq 0 ]; then
  # What depends on the Node.js version: the native SQLite driver, worker threads, child
  # processes, the compiled build, HTTP and WebSockets, streams. SQLite only: the pg driver is
  # plain JavaScript, and its dialect runs on the default Node.js.
  unset HEXTRACKR_TEST_PG_URL
  set -- npx vitest run src \
    test/integration/rollover.test.ts test/integration/crash-safety.test.ts test/integration/corpus-import.test.ts \
    test/integration/jobs-thread.test.ts test/integration/compiled-build.test.ts test/integration/sqlite-write-lock.test.ts \
    test/integration/http-api.test.ts test/integration/cli.test.ts test/integration/tenable-sync.test.ts
fi
"$@"
