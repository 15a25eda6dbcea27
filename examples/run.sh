#!/usr/bin/env bash
# Runs the example clients against a live server, as their users would: starts jixiao (the
# given binary, default target/debug/jixiao) on a free loopback port with a temporary SQLite
# database and the reference report, then
#   - TypeScript (examples/typescript): installs the pinned packages, generates the typed
#     documents from schema.graphql with graphql-codegen, type-checks, builds and runs the
#     front-end (list page, detail page, a mutation with userErrors, a subscription);
#   - Python (examples/python): installs gql into a venv and runs check.py, which drives
#     sync.py as a job would (the feed resumed from a stored cursor after a restart, an import
#     retried with the same idempotency keys).
#
#   examples/run.sh [JIXIAO_BINARY]
set -euo pipefail
export JIXIAO_DOTENV=false
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
bin="${1:-target/debug/jixiao}"
case "$bin" in /*) ;; *) bin="$root/$bin" ;; esac
[[ -x "$bin" ]] || { echo "run.sh: no executable jixiao binary at $bin" >&2; exit 2; }

work="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
secret=examples
DATABASE_URL="sqlite://$work/examples.db?mode=rwc" JIXIAO_LISTEN="127.0.0.1:$port" JIXIAO_JWT_SECRET=$secret \
  JIXIAO_WEBHOOKS=false RUST_LOG=warn "$bin" >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do curl -sf -o /dev/null "http://127.0.0.1:$port/readyz" && break; sleep 0.2; done
curl -sf -o /dev/null "http://127.0.0.1:$port/readyz" || { cat "$work/server.log" >&2; exit 1; }
export JIXIAO_URL="http://127.0.0.1:$port"
token() { JIXIAO_JWT_SECRET=$secret "$bin" token --sub "$1" --role "$2" --department YX-KGJ; }

echo "-- TypeScript front-end"
(
  cd "$here/typescript"
  npm ci --no-audit --no-fund -s >/dev/null
  npm run -s codegen >/dev/null
  npm run -s typecheck
  npm run -s build
  JIXIAO_TOKEN="$(token ts-example PREPARER)" node dist/main.js | tail -n 1
)

echo "-- Python sync job"
venv="$here/python/.venv"
if ! cmp -s "$here/python/requirements.txt" "$venv/.requirements.txt" 2>/dev/null; then
  [[ -x "$venv/bin/python" ]] || python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check -r "$here/python/requirements.txt"
  cp "$here/python/requirements.txt" "$venv/.requirements.txt"
fi
"$bin" generate --reports 7 --indicators 3 --departments 1 --seed 11 2>/dev/null |
  sed 's/"departmentCode":"GEN-001"/"departmentCode":"YX-KGJ"/' >"$work/documents.jsonl"
JIXIAO_TOKEN="$(token py-example SYNC_CLIENT)" "$venv/bin/python" "$here/python/check.py" "$work/documents.jsonl"
