#!/usr/bin/env bash
# Import benchmark: generates N reports (default 10,000) with K indicators (default 20) and imports
# them with `jixiao import` into a fresh SQLite file and, when BENCH_PG_URL names a PostgreSQL
# server (postgres://user:password@host:port), into a fresh PostgreSQL database. Prints reports per
# second and peak memory (max RSS) of each import.
# Usage: bench/import.sh [N] [K]
set -euo pipefail
# A developer's .env must not change what is measured or fuzzed.
export JIXIAO_DOTENV=false
cd "$(dirname "$0")/.."
n=${1:-10000}
k=${2:-20}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cargo build --release -q
bin=target/release/jixiao
$bin generate --reports "$n" --indicators "$k" --out "$work/gen.jsonl"
echo "generated $n reports × $k indicators: $(du -h "$work/gen.jsonl" | cut -f1)"

run() {
  local name=$1 url=$2
  local start end
  start=$(date +%s.%N)
  DATABASE_URL="$url" JIXIAO_LOAD_REFERENCE=false RUST_LOG=warn \
    /usr/bin/time -f "%M" -o "$work/rss" "$bin" import "$work/gen.jsonl" --create-departments --quiet 2> "$work/log" || { cat "$work/log"; exit 1; }
  end=$(date +%s.%N)
  local secs rss
  secs=$(echo "$end - $start" | bc)
  rss=$(cat "$work/rss")
  printf '%-12s %8d reports  %7.1f s  %7.0f reports/s  peak RSS %5d MB\n' "$name" "$n" "$secs" "$(echo "$n / $secs" | bc -l)" "$((rss / 1024))"
}

run sqlite "sqlite://$work/bench.db?mode=rwc"
if [ -n "${BENCH_PG_URL:-}" ]; then
  db="jixiao_bench_$$"
  psql "$BENCH_PG_URL/postgres" -qc "CREATE DATABASE $db" >/dev/null
  run postgresql "$BENCH_PG_URL/$db"
  psql "$BENCH_PG_URL/postgres" -qc "DROP DATABASE $db" >/dev/null
fi
