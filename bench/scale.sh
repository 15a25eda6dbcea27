#!/usr/bin/env bash
# Scaling: Q1 (50 reports with their indicators) at SMALL reports (default 2,000) and again after
# growing the same database to LARGE reports (default 20,000), in one run; prints req/s, p50 and
# p99 at both sizes and the ratio of the p99s, with the response cache on and off.
#
#   BENCH_PG_URL=postgres://postgres:postgres@127.0.0.1:5432 bench/scale.sh [SMALL] [LARGE] [SECONDS]
set -euo pipefail
# A developer's .env must not change what is measured or fuzzed.
export JIXIAO_DOTENV=false
cd "$(dirname "$0")/.."
pg=${BENCH_PG_URL:?set BENCH_PG_URL=postgres://user:password@host:port}
small=${1:-2000}
large=${2:-20000}
secs=${3:-15}
db=jixiao_scale
url="$pg/$db"
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
command -v jq >/dev/null || { apt-get update -qq && apt-get install -y -qq jq >/dev/null; }

cargo build --release -q
bin=target/release/jixiao
psql "$pg/postgres" -qc "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
DATABASE_URL="$url" RUST_LOG=warn $bin migrate
# One deterministic generation: the first SMALL documents, then the rest.
$bin generate --reports "$large" --indicators 12 --departments 50 --out "$work/all.jsonl"
head -n "$small" "$work/all.jsonl" > "$work/small.jsonl"
tail -n +"$((small + 1))" "$work/all.jsonl" > "$work/rest.jsonl"

start() { # port cache_mb
  DATABASE_URL="$url" JIXIAO_LISTEN=127.0.0.1:$1 JIXIAO_JWT_SECRET=bench JIXIAO_LOAD_REFERENCE=false \
    JIXIAO_WEBHOOKS=false JIXIAO_RATE_LIMIT=0 JIXIAO_RESPONSE_CACHE_MB=$2 RUST_LOG=warn $bin >"$work/jixiao-$1.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do curl -sf -o /dev/null "http://127.0.0.1:$1/healthz" && return; sleep 0.2; done
  echo "jixiao on $1 did not start"; exit 1
}
token="Bearer $(JIXIAO_JWT_SECRET=bench $bin token --role ADMIN --department '*')"
jq -cn --arg q "{ reports(first: 50) { nodes { id unitName fiscalYear indicators { name target { text } actual { text } } } } }" '{query: $q}' > "$work/q1.json"
measure() { # port
  BENCH_BODY="$work/q1.json" BENCH_AUTH="$token" wrk -t2 -c32 -d"${secs}s" --latency -s bench/post.lua "http://127.0.0.1:$1/graphql" 2>&1 \
    | awk '/Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2} END {print rps, p50, p99}'
}
ms() { case "$1" in *us) echo "$1" | sed 's/us//' | awk '{print $1/1000}';; *ms) echo "${1%ms}";; *s) echo "$1" | sed 's/s//' | awk '{print $1*1000}';; *) echo "$1";; esac; }

declare -A r
for size in small large; do
  file=$work/$size.jsonl; [ $size = large ] && file=$work/rest.jsonl
  DATABASE_URL="$url" RUST_LOG=warn $bin import "$file" --create-departments --quiet
  psql "$url" -qc "ANALYZE" >/dev/null
  count=$(psql "$url" -Atc "SELECT count(*) FROM report")
  start 8092 32; start 8093 0
  for port in 8092 8093; do
    rows=$(curl -sf -X POST -H 'content-type: application/json' -H "Authorization: $token" --data @"$work/q1.json" "http://127.0.0.1:$port/graphql" | jq '.data.reports.nodes | length')
    [ "$rows" = 50 ] || { echo "Q1 returned $rows reports"; exit 1; }
    read -r rps p50 p99 < <(measure $port)
    r[$size-$port]="$count $rps $(ms "$p50") $(ms "$p99")"
  done
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; pids=(); sleep 1
done

printf '\n| Q1 | reports | req/s | p50 ms | p99 ms | p99 ÷ p99 at %s |\n|---|---|---|---|---|---|\n' "$small"
for port in 8092 8093; do
  name=$([ $port = 8092 ] && echo "jixiao" || echo "jixiao, cache off")
  read -r _ _ _ base99 <<< "${r[small-$port]}"
  for size in small large; do
    read -r count rps p50 p99 <<< "${r[$size-$port]}"
    printf '| %s | %s | %.0f | %.2f | %.2f | %.2f |\n' "$name" "$count" "$rps" "$p50" "$p99" "$(echo "$p99 / $base99" | bc -l)"
  done
done
echo
echo "$(nproc) cores; $(date -u +%F)"
