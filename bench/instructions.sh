#!/usr/bin/env bash
# Counts the CPU instructions jixiao spends per request of Q1 (50 reports × their indicators,
# response cache off; BENCH_QUERY=q2 for Q2, the same with evaluators, signatures, comments and
# finance; BENCH_QUERY=q4 for Q4, a filtered page ordered by score), under
# valgrind's callgrind. Unlike req/s, the count does not move with
# the machine's other load, so two builds compare exactly: pass a second binary (say, one built
# from an earlier commit) and both are counted in the same run, with their ratio.
#
#   BENCH_PG_URL=postgres://postgres:postgres@127.0.0.1:5432 [BENCH_QUERY=q2|q4] [JIXIAO_BIN=path] \
#     [BENCH_BASE_DB=jixiao_bench_base] bench/instructions.sh [BASE_BINARY]
#
# JIXIAO_BIN counts a binary already built instead of building this tree. BENCH_BASE_DB is the
# database the base binary reads (default jixiao_bench; a base older than this tree's migrations
# needs the one `BENCH_BASE_BIN=… bench/run.sh` fills with the base's own migrations).
#
# Needs the database jixiao_bench that bench/run.sh creates (run that once first), and
# valgrind (apt-get install -y valgrind). Writes the profiles to bench/.callgrind/ (ignored),
# for `callgrind_annotate --inclusive=yes bench/.callgrind/<name>.out.1`.
set -euo pipefail
export JIXIAO_DOTENV=false
cd "$(dirname "$0")/.."
pg=${BENCH_PG_URL:?set BENCH_PG_URL=postgres://user:password@host:port}
url="$pg/jixiao_bench"
requests=20
command -v valgrind >/dev/null || { apt-get update -qq && apt-get install -y -qq valgrind >/dev/null; }
command -v jq >/dev/null || { apt-get update -qq && apt-get install -y -qq jq >/dev/null; }
psql "$url" -Atc "SELECT 1 FROM report LIMIT 1" | grep -q 1 || { echo "run bench/run.sh first (no data in jixiao_bench)"; exit 1; }
[ -n "${JIXIAO_BIN:-}" ] || cargo build --release -q
bin=${JIXIAO_BIN:-target/release/jixiao}
out=bench/.callgrind
mkdir -p "$out"
case ${BENCH_QUERY:-q1} in
  q1) query='{ reports(first: 50) { nodes { id unitName fiscalYear indicators { name target { text } actual { text } } } } }' ;;
  q2) query='{ reports(first: 50) { nodes { id unitName fiscalYear indicators { name target { text } actual { text } } evaluators { name role } signatures { signerName role } comments { nodes { body } } finance { units { name income { total } expenditure { total } } } } } }' ;;
  q4) query='{ reports(first: 50, filter: {fiscalYear: 2021, departmentCode: "GEN-001", status: PUBLISHED}, orderBy: [{field: DECLARED_SCORE, direction: DESC}]) { nodes { id unitName declaredScore } } }' ;;
  *) echo "BENCH_QUERY is q1, q2 or q4"; exit 2 ;;
esac
name=${BENCH_QUERY:-q1}
body=$(jq -cn --arg q "$query" '{query: $q}')

# Instructions per request of binary $1, profile named $2, reading database URL $3.
count() {
  local bin=$1 name=$2 url=$3 port=8095
  local token; token="Bearer $(JIXIAO_JWT_SECRET=bench "$bin" token --role ADMIN --department '*')"
  rm -f "$out/$name.out"*
  DATABASE_URL="$url" JIXIAO_LISTEN=127.0.0.1:$port JIXIAO_JWT_SECRET=bench JIXIAO_LOAD_REFERENCE=false \
    JIXIAO_WEBHOOKS=false JIXIAO_RATE_LIMIT=0 JIXIAO_RESPONSE_CACHE_MB=0 RUST_LOG=warn \
    valgrind --tool=callgrind --callgrind-out-file="$out/$name.out" --instr-atstart=no "$bin" >"$out/$name.log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 120); do curl -sf -o /dev/null "http://127.0.0.1:$port/healthz" && break; sleep 0.5; done
  post() { curl -sf -o /dev/null -X POST -H 'content-type: application/json' -H "Authorization: $token" -d "$body" "http://127.0.0.1:$port/graphql"; }
  # Warm the pool, the statement cache and the allocator, then count only the measured requests.
  for _ in 1 2 3; do post; done
  callgrind_control -i on "$pid" >/dev/null 2>&1
  for _ in 1 2 3; do post; done
  callgrind_control -z "$pid" >/dev/null 2>&1
  for _ in $(seq 1 $requests); do post; done
  callgrind_control -d "$pid" >/dev/null 2>&1
  kill "$pid"; wait "$pid" 2>/dev/null || true
  callgrind_annotate "$out/$name.out.1" 2>/dev/null | awk -v n=$requests '/PROGRAM TOTALS/ { gsub(",", "", $1); printf "%d", $1 / n }'
}

now=$(count "$bin" "$name-current" "$url")
printf '%s, cache off: %s instructions per request (this tree)\n' "$name" "$now"
if [ -n "${1:-}" ]; then
  base=$(count "$1" "$name-base" "$pg/${BENCH_BASE_DB:-jixiao_bench}")
  printf '%s, cache off: %s instructions per request (%s)\n' "$name" "$base" "$1"
  awk -v a="$now" -v b="$base" 'BEGIN { printf "this tree / base: %.3f\n", a / b }'
fi
