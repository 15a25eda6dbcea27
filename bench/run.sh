#!/usr/bin/env bash
# Compares jixiao with PostGraphile 4 on the same PostgreSQL database and data, in one run.
#
#   BENCH_PG_URL=postgres://postgres:postgres@127.0.0.1:5432 bench/run.sh [REPORTS] [SECONDS]
#
# Creates database jixiao_bench, applies jixiao's migrations, imports REPORTS (default 2000)
# generated reports with 12 indicators, adds a signature and a review comment to each, publishes
# them; installs PostGraphile 4 with npm into bench/.peer (ignored) and starts it (production
# mode, pool 10, no query log) beside jixiao (release build); checks each query once on both
# (HTTP 200, no errors, same row counts), then runs wrk (2 threads × 32 connections, SECONDS
# each, default 15) and prints req/s, p50, p99, the ratio to the peer, jixiao's peak RSS, and SQL
# statements per request of every server (pg_stat_statements; the script enables it, restarting
# the local cluster once, when run as root). jixiao runs twice: with its response cache (the
# default) and without (JIXIAO_RESPONSE_CACHE_MB=0). W1 writes (read the report's version, then
# record an indicator's actual with that version check) at 10 per second while Q1 runs.
set -euo pipefail
# A developer's .env must not change what is measured or fuzzed.
export JIXIAO_DOTENV=false
cd "$(dirname "$0")/.."
pg=${BENCH_PG_URL:?set BENCH_PG_URL=postgres://user:password@host:port}
reports=${1:-2000}
secs=${2:-15}
db=jixiao_bench
url="$pg/$db"
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
command -v jq >/dev/null || { apt-get update -qq && apt-get install -y -qq jq >/dev/null; }

echo "== data: $reports reports"
cargo build --release -q
bin=target/release/jixiao
psql "$pg/postgres" -qc "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
DATABASE_URL="$url" RUST_LOG=warn $bin migrate
$bin generate --reports "$reports" --indicators 12 --departments 50 --out "$work/gen.jsonl"
DATABASE_URL="$url" RUST_LOG=warn $bin import "$work/gen.jsonl" --create-departments --quiet
psql "$url" -q >/dev/null <<'SQL'
INSERT INTO signature (id, report_id, ordinal, signer_subject, signer_name, role, signed_at, content_digest)
  SELECT gen_random_uuid(), id, 1, 'e-1', '评价组组长', 'GROUP_LEADER', now(), content_digest FROM report;
INSERT INTO review_comment (id, report_id, parent_id, target_kind, target_path, indicator_id, author_subject,
  author_name, author_role, body, resolved, resolved_by, resolved_at, created_at, updated_at)
  SELECT gen_random_uuid(), id, NULL, 'REPORT', NULL, NULL, 'f-1', '财政股室', 'FINANCE_REVIEWER', '请核对收入合计', false,
  NULL, NULL, now(), now() FROM report;
UPDATE report SET status = 'PUBLISHED' WHERE id <> (SELECT id FROM report ORDER BY id LIMIT 1);
ANALYZE;
SQL

# SQL statements per request come from pg_stat_statements, which must be preloaded.
if ! psql "$pg/postgres" -Atc "SHOW shared_preload_libraries" | grep -q pg_stat_statements; then
  if [ "$(id -u)" = 0 ] && command -v pg_ctlcluster >/dev/null; then
    echo "== enabling pg_stat_statements (restarts the local PostgreSQL cluster once)"
    psql "$pg/postgres" -qc "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /usr/lib/postgresql | sort -n | tail -n 1)" main restart
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 && break; sleep 1; done
  fi
fi
stat_ok=false
psql "$url" -qc "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" 2>/dev/null && \
  psql "$url" -Atc "SELECT count(*) FROM pg_stat_statements" >/dev/null 2>&1 && stat_ok=true

echo "== peer: PostGraphile 4"
if [ ! -x bench/.peer/node_modules/.bin/postgraphile ]; then
  mkdir -p bench/.peer
  (cd bench/.peer && echo '{"name": "jixiao-bench-peer", "private": true}' > package.json && npm install --no-audit --no-fund -s postgraphile@4 >/dev/null)
fi
NODE_ENV=production bench/.peer/node_modules/.bin/postgraphile -c "$url" --host 127.0.0.1 --port 5050 \
  --disable-query-log --max-pool-size 10 --disable-graphiql >"$work/peer.log" 2>&1 &
pids+=($!)
DATABASE_URL="$url" JIXIAO_LISTEN=127.0.0.1:8090 JIXIAO_JWT_SECRET=bench JIXIAO_LOAD_REFERENCE=false \
  JIXIAO_WEBHOOKS=false JIXIAO_RATE_LIMIT=0 RUST_LOG=warn $bin >"$work/jixiao.log" 2>&1 &
jpid=$!
pids+=($jpid)
DATABASE_URL="$url" JIXIAO_LISTEN=127.0.0.1:8091 JIXIAO_JWT_SECRET=bench JIXIAO_LOAD_REFERENCE=false \
  JIXIAO_WEBHOOKS=false JIXIAO_RATE_LIMIT=0 JIXIAO_RESPONSE_CACHE_MB=0 RUST_LOG=warn $bin >"$work/jixiao-nc.log" 2>&1 &
ncpid=$!
pids+=($ncpid)
token="Bearer $(JIXIAO_JWT_SECRET=bench $bin token --role ADMIN --department '*')"
for _ in $(seq 1 100); do
  curl -sf -o /dev/null -X POST -H 'content-type: application/json' -d '{"query":"{__typename}"}' http://127.0.0.1:5050/graphql \
    && curl -sf -o /dev/null http://127.0.0.1:8090/healthz && curl -sf -o /dev/null http://127.0.0.1:8091/healthz && break
  sleep 0.2
done

rid=$(psql "$url" -Atc "SELECT id FROM report ORDER BY id LIMIT 1")
gid=$(printf 'Report:%s' "$rid" | base64 -w0 | tr '+/' '-_' | tr -d '=')
dept=$(psql "$url" -Atc "SELECT id FROM department WHERE code = 'GEN-001'")

body() { jq -cn --arg q "$1" '{query: $q}' > "$work/$2.json"; }
J_IND='indicators { name target { text } actual { text } }'
P_IND='indicatorsByReportId(orderBy: ORDINAL_ASC) { nodes { name targetText actualText } }'
J_MORE='evaluators { name role } signatures { signerName role } comments { nodes { body } } finance { units { name income { total } expenditure { total } } }'
P_MORE='evaluatorsByReportId(orderBy: ORDINAL_ASC) { nodes { name role } } signaturesByReportId(orderBy: ORDINAL_ASC) { nodes { signerName role } } reviewCommentsByReportId { nodes { body } } financeUnitsByReportId(condition: {isSummary: false}, orderBy: ORDINAL_ASC) { nodes { name incomeTotal expenditureTotal } }'
body "{ reports(first: 50) { nodes { id unitName fiscalYear $J_IND } } }" q1-jixiao
body "{ allReports(first: 50, orderBy: [FISCAL_YEAR_DESC, UNIT_NAME_ASC, ID_ASC]) { nodes { id unitName fiscalYear $P_IND } } }" q1-peer
body "{ reports(first: 50) { nodes { id unitName fiscalYear $J_IND $J_MORE } } }" q2-jixiao
body "{ allReports(first: 50, orderBy: [FISCAL_YEAR_DESC, UNIT_NAME_ASC, ID_ASC]) { nodes { id unitName fiscalYear $P_IND $P_MORE } } }" q2-peer
body "{ report(id: \"$gid\") { id unitName title fiscalYear declaredScore profile { duties annualTasks } qualitativeGoals { expected actual } sections { key title body } $J_IND $J_MORE } }" q3-jixiao
body "{ reportById(id: \"$rid\") { id unitName title fiscalYear declaredScore duties annualTasks qualitativeGoalsByReportId { nodes { expected actual } } narrativeSectionsByReportId { nodes { key title body } } $P_IND $P_MORE } }" q3-peer
body "{ reports(first: 50, filter: {fiscalYear: 2021, departmentCode: \"GEN-001\", status: PUBLISHED}, orderBy: [{field: DECLARED_SCORE, direction: DESC}]) { nodes { id unitName declaredScore } } }" q4-jixiao
body "{ allReports(first: 50, condition: {fiscalYear: 2021, departmentId: \"$dept\", status: \"PUBLISHED\"}, orderBy: [DECLARED_SCORE_DESC, ID_ASC]) { nodes { id unitName declaredScore } } }" q4-peer

iid=$(psql "$url" -Atc "SELECT id FROM indicator WHERE report_id = '$rid' ORDER BY ordinal LIMIT 1")
giid=$(printf 'Indicator:%s' "$iid" | base64 -w0 | tr '+/' '-_' | tr -d '=')

post() { curl -sf -X POST -H 'content-type: application/json' ${2:+-H "Authorization: $2"} --data @"$work/$1.json" "$3"; }
rows() { jq '[.. | objects | select(has("id") or has("name") or has("body") or has("signerName") or has("key") or has("expected"))] | length'; }
# SQL statements the database ran for 10 requests, per request (pg_stat_statements), or n/a.
sql_per_request() {
  $stat_ok || { echo n/a; return; }
  psql "$url" -Atqc "SELECT pg_stat_statements_reset()" >/dev/null
  for _ in 1 2 3 4 5 6 7 8 9 10; do post "$1" "$2" "$3" >/dev/null; done
  psql "$url" -Atc "SELECT coalesce(sum(calls), 0) FROM pg_stat_statements
    WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND query NOT LIKE '%pg_stat_statements%'" | awk '{printf "%.1f", $1 / 10}'
}

J=http://127.0.0.1:8090/graphql; NC=http://127.0.0.1:8091/graphql; P=http://127.0.0.1:5050/graphql
echo "== checking responses"
declare -A sql
for q in q1 q2 q3 q4; do
  j=$(post "$q-jixiao" "$token" $J)
  n=$(post "$q-jixiao" "$token" $NC)
  p=$(post "$q-peer" "" $P)
  if [ "$(echo "$j" | jq 'has("errors")')" = true ] || [ "$(echo "$p" | jq 'has("errors")')" = true ]; then
    echo "$q: errors"; echo "$j" | head -c 600; echo; echo "$p" | head -c 600; exit 1
  fi
  [ "$(echo "$j" | jq -S .)" = "$(echo "$n" | jq -S .)" ] || { echo "$q: jixiao answers differently with and without its cache"; exit 1; }
  jr=$(echo "$j" | rows); pr=$(echo "$p" | rows)
  [ "$jr" = "$pr" ] || { echo "$q: row counts differ: jixiao $jr, peer $pr"; exit 1; }
  sql[$q-j]=$(sql_per_request "$q-jixiao" "$token" $J)
  sql[$q-n]=$(sql_per_request "$q-jixiao" "$token" $NC)
  sql[$q-p]=$(sql_per_request "$q-peer" "" $P)
  echo "$q: $jr rows on both, $(echo "$j" | wc -c) bytes"
done

bench_one() {
  BENCH_BODY="$work/$1.json" BENCH_AUTH="$2" wrk -t2 -c32 -d"${secs}s" --latency -s bench/post.lua "$3" 2>&1 \
    | awk '/Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2} /Non-2xx/ {bad=$5} END {print rps, p50, p99, bad + 0}'
}
ms() { case "$1" in *us) echo "$1" | sed 's/us//' | awk '{print $1/1000}';; *ms) echo "${1%ms}";; *s) echo "$1" | sed 's/s//' | awk '{print $1*1000}';; *) echo "$1";; esac; }

# W1: at up to 10 per second (fewer when a write takes longer) for $1 seconds, read the report's version, then record the first
# indicator's actual with that version (jixiao) or update it (peer); appends "ms outcome" lines.
writer() {
  local side=$1 until=$((SECONDS + $2)) out=$3 i=0 url auth
  case $side in jixiao) url=$J; auth=$token;; nocache) url=$NC; auth=$token;; peer) url=$P; auth="";; esac
  while [ $SECONDS -lt $until ]; do
    local t0; t0=$(date +%s%N); i=$((i + 1))
    if [ "$side" = peer ]; then
      post w1-peer-read "" $url >/dev/null
      jq -cn --arg q "mutation { updateIndicatorById(input: {id: \"$iid\", indicatorPatch: {actualText: \"9$((i % 10))%\"}}) { indicator { id } } }" '{query: $q}' > "$work/w1-$side.json"
    else
      v=$(post w1-jixiao-read "$auth" $url | jq -r '.data.report.version')
      jq -cn --arg q "mutation { recordIndicatorActual(input: {id: \"$giid\", expectedVersion: $v, actual: {text: \"9$((i % 10))%\"}}) { userErrors { code } } }" '{query: $q}' > "$work/w1-$side.json"
    fi
    local took ok
    took=$(curl -s -o "$work/w1-$side.out" -w '%{time_total}' -X POST -H 'content-type: application/json' ${auth:+-H "Authorization: $auth"} \
      --data @"$work/w1-$side.json" $url)
    ok=$(jq -r 'if has("errors") or ((.data // {}) | tostring | test("userErrors\":\\[\\{")) then "refused" else "ok" end' "$work/w1-$side.out" 2>/dev/null || echo refused)
    echo "$took $ok" | awk '{printf "%.2f %s\n", $1 * 1000, $2}' >> "$out"
    local left=$(( 100000000 - ($(date +%s%N) - t0) ))
    if [ $left -gt 0 ]; then sleep "0.$(printf '%09d' $left)"; fi
  done
  return 0
}
body "{ report(id: \"$gid\") { version } }" w1-jixiao-read
body "{ reportById(id: \"$rid\") { id } }" w1-peer-read

echo "== load: wrk 2 threads × 32 connections, ${secs}s each"
peak=0
row() { # name server rps p50 p99 bad peer_rps peer_p99 sql
  printf '| %s | %s | %.0f | %.2f | %.2f | %s | %s | %s |\n' "$1" "$2" "$3" "$4" "$5" "$6" "$7" "$8" >> "$work/table"
}
printf '\n| query | server | req/s | p50 ms | p99 ms | req/s ÷ peer | p99 ÷ peer | SQL/request |\n|---|---|---|---|---|---|---|---|\n' > "$work/table"
for q in q1 q2 q3 q4 w1; do
  base=$q; [ $q = w1 ] && base=q1
  declare -A r50 r99 rps
  for side in peer jixiao nocache; do
    case $side in jixiao) u=$J; a=$token; b=$base-jixiao;; nocache) u=$NC; a=$token; b=$base-jixiao;; peer) u=$P; a=""; b=$base-peer;; esac
    [ $q = w1 ] && { : > "$work/w1-$side.lat"; writer $side "$secs" "$work/w1-$side.lat" & wpid=$!; }
    read -r x50 x99 xr bad < <(bench_one "$b" "$a" "$u" | awk '{print $2, $3, $1, $4}')
    [ $q = w1 ] && { wait $wpid || true; }
    [ "$bad" -gt 0 ] && { echo "$q $side: $bad non-2xx responses"; exit 1; }
    rps[$side]=$xr; r50[$side]=$(ms "$x50"); r99[$side]=$(ms "$x99")
    if [ $side != peer ]; then rss=$(awk '/VmHWM/ {print $2}' /proc/$([ $side = jixiao ] && echo $jpid || echo $ncpid)/status); [ "$rss" -gt "$peak" ] && peak=$rss; fi
  done
  label=${q^^}; [ $q = w1 ] && label="Q1 + W1"
  for side in jixiao nocache peer; do
    name=$([ $side = jixiao ] && echo "jixiao" || ([ $side = nocache ] && echo "jixiao, cache off" || echo "PostGraphile 4"))
    key=$([ $side = jixiao ] && echo j || ([ $side = nocache ] && echo n || echo p))
    s=${sql[$base-$key]}; [ $q = w1 ] && s="–"
    if [ $side = peer ]; then rr="1"; pr="1"; else rr=$(printf '%.2f×' "$(echo "${rps[$side]} / ${rps[peer]}" | bc -l)"); pr=$(printf '%.2f' "$(echo "${r99[$side]} / ${r99[peer]}" | bc -l)"); fi
    row "$label" "$name" "${rps[$side]}" "${r50[$side]}" "${r99[$side]}" "$rr" "$pr" "$s"
  done
  if [ $q = w1 ]; then
    for side in jixiao nocache peer; do
      sort -n "$work/w1-$side.lat" | awk -v s=$side -v secs="$secs" '{a[NR]=$1; if ($2 == "ok") ok++} END {printf "W1 (%s): %d writes in %d s, %d accepted, p50 %.1f ms, p99 %.1f ms\n", s, NR, secs, ok, a[int(NR*0.5)+1], a[int(NR*0.99)+1]}' >> "$work/w1"
    done
  fi
done
cat "$work/table"
echo
cat "$work/w1"
echo "jixiao peak RSS under load: $((peak / 1024)) MB; $reports reports; $(nproc) cores; $(date -u +%F)"
