#!/usr/bin/env bash
# Fuzz a freshly started jixiao server with schemathesis (GraphQL mode) for a bounded time.
#
#   fuzz/schemathesis/run.sh [JIXIAO_BINARY] [SECONDS]
#
# JIXIAO_BINARY defaults to target/debug/jixiao (relative to the repository root), SECONDS to
# 120 (fuzzing time, split between ADMIN and anonymous; up to FUZZ_MINIMIZE_SECONDS, default
# 30, more go to minimizing failing queries). The server gets a free loopback port, a temporary
# SQLite database and secret, and webhook delivery off (the fuzzer registers webhooks with
# random URLs) and rate limiting off (JIXIAO_RATE_LIMIT=0). The schema is the binary's own
# `jixiao schema` output. Exits with fuzz.py's status: 0 when no server error was found.
# The fuzzer also mutates report documents made by `jixiao generate` (two thirds of them are
# imported first, as DRAFT reports to work on). Set FUZZ_OUT=DIR to keep the server log,
# fuzz.txt and failures.json there (default: the temp dir, removed when nothing failed).
# FUZZ_STATS=1 prints outcome counts per operation. PYTHON picks the venv's interpreter.
set -euo pipefail
# A developer's .env must not change what is measured or fuzzed.
export JIXIAO_DOTENV=false

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="${1:-target/debug/jixiao}"
seconds="${2:-120}"
case "$bin" in /*) ;; *) bin="$root/$bin" ;; esac
[[ -x "$bin" ]] || { echo "run.sh: no executable jixiao binary at $bin" >&2; exit 2; }

venv="$here/.venv"
if ! cmp -s "$here/requirements.txt" "$venv/.requirements.txt" 2>/dev/null; then
    [[ -x "$venv/bin/python" ]] || "${PYTHON:-python3}" -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check -r "$here/requirements.txt"
    cp "$here/requirements.txt" "$venv/.requirements.txt"
fi

work="$(mktemp -d -t jixiao-fuzz.XXXXXX)"
out="${FUZZ_OUT:-$work}"
mkdir -p "$out"
# the binary's own SDL (introspection may be off for some modes and builds)
"$bin" schema >"$work/schema.graphql" 2>/dev/null || rm -f "$work/schema.graphql"
"$bin" generate --reports 30 --indicators 6 --departments 3 --seed 7 --out "$work/documents.jsonl"
port="$("$venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
secret="fuzz-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
url="http://127.0.0.1:$port"

server_pid=""
cleanup() {
    if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    # the temp dir holds the database (and the logs unless FUZZ_OUT is set): kept on failure
    if [[ "${status:-1}" == 0 ]]; then rm -rf "$work"; fi
}
trap cleanup EXIT

(
    cd "$work"
    DATABASE_URL="sqlite://$work/jixiao.db?mode=rwc" \
    JIXIAO_LISTEN="127.0.0.1:$port" \
    JIXIAO_JWT_SECRET="$secret" \
    JIXIAO_WEBHOOKS=false \
    JIXIAO_LOG_FORMAT=json \
    JIXIAO_RATE_LIMIT=0 \
        exec "$bin" serve
) >"$out/server.log" 2>&1 &
server_pid=$!

for _ in $(seq 1 120); do
    if curl -fsS "$url/healthz" >/dev/null 2>&1; then break; fi
    if ! kill -0 "$server_pid" 2>/dev/null; then
        echo "run.sh: the server exited at start; its log:" >&2
        cat "$out/server.log" >&2
        exit 2
    fi
    sleep 0.5
done
curl -fsS "$url/healthz" >/dev/null || { echo "run.sh: /healthz never answered" >&2; exit 2; }

token="$(JIXIAO_JWT_SECRET="$secret" "$bin" token --role ADMIN --department '*')"

schema_args=()
[[ -s "$work/schema.graphql" ]] && schema_args=(--schema "$work/schema.graphql")
status=0
"$venv/bin/python" "$here/fuzz.py" \
    --url "$url/graphql" --token "$token" --seconds "$seconds" \
    --server-log "$out/server.log" --report "$out/failures.json" \
    --documents "$work/documents.jsonl" \
    ${schema_args[@]+"${schema_args[@]}"} \
    ${FUZZ_STATS:+--stats} | tee "$out/fuzz.txt" || status=$?

if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "run.sh: the server died during fuzzing; log tail:" >&2
    tail -n 20 "$out/server.log" >&2
    status=1
fi
if [[ $status != 0 ]]; then echo "run.sh: details kept in $out" >&2; fi
grep -q '^schemathesis: ' "$out/fuzz.txt" || echo "schemathesis: no summary (fuzz.py exited with $status)"
exit "$status"
