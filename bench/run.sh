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
# each, default 15) and prints req/s, p50, p99, the ratio jixiao/peer, jixiao's peak RSS, and
# jixiao's SQL statements per request (its own counter, /metrics).
set -euo pipefail
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
UPDATE report SET status = 'PUBLISHED';
ANALYZE;
SQL

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
token="Bearer $(JIXIAO_JWT_SECRET=bench $bin token --role ADMIN --department '*')"
for _ in $(seq 1 100); do
  curl -sf -o /dev/null -X POST -H 'content-type: application/json' -d '{"query":"{__typename}"}' http://127.0.0.1:5050/graphql \
    && curl -sf -o /dev/null http://127.0.0.1:8090/healthz && break
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

post() { curl -sf -X POST -H 'content-type: application/json' ${2:+-H "Authorization: $2"} --data @"$work/$1.json" "$3"; }
rows() { jq '[.. | objects | select(has("id") or has("name") or has("body") or has("signerName") or has("key") or has("expected"))] | length'; }
statements() { curl -sf http://127.0.0.1:8090/metrics | awk '/^jixiao_sql_statements_total/ {print $2}'; }

echo "== checking responses"
declare -A stmts
for q in q1 q2 q3 q4; do
  j=$(post "$q-jixiao" "$token" http://127.0.0.1:8090/graphql)
  p=$(post "$q-peer" "" http://127.0.0.1:5050/graphql)
  if [ "$(echo "$j" | jq 'has("errors")')" = true ] || [ "$(echo "$p" | jq 'has("errors")')" = true ]; then
    echo "$q: errors"; echo "$j" | head -c 600; echo; echo "$p" | head -c 600; exit 1
  fi
  jr=$(echo "$j" | rows); pr=$(echo "$p" | rows)
  [ "$jr" = "$pr" ] || { echo "$q: row counts differ: jixiao $jr, peer $pr"; exit 1; }
  before=$(statements); for _ in 1 2 3 4 5 6 7 8 9 10; do post "$q-jixiao" "$token" http://127.0.0.1:8090/graphql >/dev/null; done; after=$(statements)
  stmts[$q]=$(( (after - before) / 10 ))
  echo "$q: $jr rows on both, $(echo "$j" | wc -c) bytes"
done

bench_one() {
  BENCH_BODY="$work/$1.json" BENCH_AUTH="$2" wrk -t2 -c32 -d"${secs}s" --latency -s bench/post.lua "$3" 2>&1 \
    | awk '/Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2} END {print rps, p50, p99}'
}
ms() { case "$1" in *us) echo "$1" | sed 's/us//' | awk '{print $1/1000}';; *ms) echo "${1%ms}";; *s) echo "$1" | sed 's/s//' | awk '{print $1*1000}';; *) echo "$1";; esac; }

echo "== load: wrk 2 threads × 32 connections, ${secs}s each"
peak=0
printf '\n| query | jixiao req/s | p50 ms | p99 ms | PostGraphile req/s | p50 ms | p99 ms | req/s ratio | p99 ratio | jixiao SQL/request |\n|---|---|---|---|---|---|---|---|---|---|\n' > "$work/table"
for q in q1 q2 q3 q4; do
  read -r jr jp50 jp99 < <(bench_one "$q-jixiao" "$token" http://127.0.0.1:8090/graphql)
  rss=$(awk '/VmHWM/ {print $2}' /proc/$jpid/status); [ "$rss" -gt "$peak" ] && peak=$rss
  read -r pr pp50 pp99 < <(bench_one "$q-peer" "" http://127.0.0.1:5050/graphql)
  jp50=$(ms "$jp50"); jp99=$(ms "$jp99"); pp50=$(ms "$pp50"); pp99=$(ms "$pp99")
  printf '| %s | %.0f | %.2f | %.2f | %.0f | %.2f | %.2f | %.2f× | %.2f | %s |\n' "$q" "$jr" "$jp50" "$jp99" "$pr" "$pp50" "$pp99" \
    "$(echo "$jr / $pr" | bc -l)" "$(echo "$jp99 / $pp99" | bc -l)" "${stmts[$q]}" >> "$work/table"
done
cat "$work/table"
echo
echo "jixiao peak RSS under load: $((peak / 1024)) MB; $reports reports; $(nproc) cores; $(date -u +%F)"
