#!/usr/bin/env bash
# Signatures across implementations (tests/signing/interop.py): starts jixiao (the given
# binary) on a free loopback port with a temporary SQLite database, installs the pinned Python
# packages (gmssl for SM2, cryptography for Ed25519 and P-256) in target/signing-venv on first
# use, and runs the script against it with the vectors jixiao's test signer wrote.
#
#   tests/signing/run.sh [JIXIAO_BINARY]
set -euo pipefail
export JIXIAO_DOTENV=false
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="${1:-target/debug/jixiao}"
case "$bin" in /*) ;; *) bin="$root/$bin" ;; esac
venv="$root/target/signing-venv"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import gmssl, cryptography' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q -r "$here/requirements.txt"
fi
work="$(mktemp -d)"
trap 'kill $(cat "$work/pid" 2>/dev/null) 2>/dev/null || true; rm -rf "$work"' EXIT
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
secret=signing-interop
DATABASE_URL="sqlite://$work/i.db?mode=rwc" JIXIAO_LISTEN="127.0.0.1:$port" JIXIAO_JWT_SECRET=$secret \
  JIXIAO_LOAD_REFERENCE=false JIXIAO_WEBHOOKS=false RUST_LOG=warn "$bin" >"$work/log" 2>&1 &
echo $! >"$work/pid"
for _ in $(seq 1 100); do curl -sf -o /dev/null "http://127.0.0.1:$port/readyz" && break; sleep 0.2; done
token() { JIXIAO_JWT_SECRET=$secret "$bin" token "$@"; }
admin=$(token --role ADMIN --department '*' --sub interop-admin)
curl -sf -o /dev/null -H "authorization: Bearer $admin" -H 'content-type: application/json' \
  -d '{"query":"mutation { upsertDepartment(input: {code: \"YX-KGJ\", name: \"科工局\"}) { userErrors { code } } }"}' \
  "http://127.0.0.1:$port/graphql"
vectors="$root/target/tmp/signing-vectors.json"
[ -f "$vectors" ] || vectors=""
"$venv/bin/python" "$here/interop.py" "http://127.0.0.1:$port" \
  "$(token --role PREPARER --department YX-KGJ --sub py-preparer)" \
  "$(token --role EVALUATOR --department YX-KGJ --sub py-leader)" \
  "$(token --role EVALUATOR --department YX-KGJ --sub py-member)" \
  "$(token --role AUDITOR --department YX-KGJ --sub py-auditor)" \
  ${vectors:+"$vectors"}
