#!/usr/bin/env bash
# Browser checks against a live server: starts jixiao (the given binary, default
# target/debug/jixiao) on a free loopback port with a temporary SQLite database and the
# reference report, then runs each check in headless Chromium with the network cut off
# (only 127.0.0.1 resolves). Installs Debian's chromium and the pinned playwright-core
# (package-lock.json) where missing.
#
#   tests/browser/run.sh [JIXIAO_BINARY]
set -euo pipefail
export JIXIAO_DOTENV=false
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="${1:-target/debug/jixiao}"
case "$bin" in /*) ;; *) bin="$root/$bin" ;; esac
[[ -x "$bin" ]] || { echo "run.sh: no executable jixiao binary at $bin" >&2; exit 2; }
if ! command -v chromium >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
(cd "$here" && npm ci --no-audit --no-fund -s >/dev/null)

work="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
DATABASE_URL="sqlite://$work/browser.db?mode=rwc" JIXIAO_LISTEN="127.0.0.1:$port" \
  JIXIAO_JWT_SECRET=browser-checks JIXIAO_WEBHOOKS=false RUST_LOG=warn "$bin" >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do curl -sf -o /dev/null "http://127.0.0.1:$port/readyz" && break; sleep 0.2; done
node "$here/graphiql.mjs" "http://127.0.0.1:$port" "$(command -v chromium)"
