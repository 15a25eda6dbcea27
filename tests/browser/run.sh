#!/usr/bin/env bash
# Client checks against live servers: starts jixiao (the given binary, default
# target/debug/jixiao) on a free loopback port with a temporary SQLite database and the
# reference report; opens GraphiQL in headless Chromium with the network cut off (only
# 127.0.0.1 resolves) and runs its example; has the browser attach evidence to an indicator
# with a multipart upload (FormData) and download it back; runs Apollo Client's persisted-query
# link against it (automatic persisted queries), then against a second server that accepts only
# the trusted documents of a manifest in graphql-codegen's format. Installs Debian's chromium and the
# pinned npm packages (package-lock.json) where missing.
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
# (Servers start in a subshell, so their pids go to a file.)
trap 'kill $(cat "$work/pids" 2>/dev/null) 2>/dev/null || true; rm -rf "$work"' EXIT
# Starts a server with the extra environment given; prints its base URL.
start() {
  local port
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  env "$@" DATABASE_URL="sqlite://$work/$port.db?mode=rwc" JIXIAO_LISTEN="127.0.0.1:$port" \
    JIXIAO_JWT_SECRET=browser-checks JIXIAO_WEBHOOKS=false RUST_LOG=warn "$bin" >"$work/$port.log" 2>&1 &
  echo $! >>"$work/pids"
  for _ in $(seq 1 100); do curl -sf -o /dev/null "http://127.0.0.1:$port/readyz" && break; sleep 0.2; done
  curl -sf -o /dev/null "http://127.0.0.1:$port/readyz" || { cat "$work/$port.log" >&2; exit 1; }
  echo "http://127.0.0.1:$port"
}
base=$(start JIXIAO_MODE=development)
node "$here/graphiql.mjs" "$base" "$(command -v chromium)"
preparer=$(JIXIAO_JWT_SECRET=browser-checks "$bin" token --role PREPARER --department YX-KGJ --sub browser-preparer)
node "$here/upload.mjs" "$base" "$preparer" "$(command -v chromium)"
node "$here/apollo.mjs" apq "$base"
node "$here/apollo.mjs" manifest "$work/persisted-documents.json"
trusted=$(start JIXIAO_TRUSTED_DOCUMENTS="$work/persisted-documents.json" JIXIAO_TRUSTED_DOCUMENTS_ONLY=true)
node "$here/apollo.mjs" trusted "$trusted"
