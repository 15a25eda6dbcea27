#!/usr/bin/env bash
# Compares jixiao with PostGraphile 4 on the same PostgreSQL database and data, in one run.
#
#   BENCH_PG_URL=postgres://postgres:postgres@127.0.0.1:5432 [BENCH_BASE_BIN=path] \
#     bench/run.sh [REPORTS] [SECONDS]
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
#
# BENCH_BASE_BIN names a jixiao binary built from another commit (the base). It gets its own
# database, jixiao_bench_base, filled by its own migrations and generator with the same seed and
# the same steps, and runs twice more (with and without its cache) in the same run, so that this
# tree and the base are measured against the same peer on the same machine at the same time; the
# run ends with this tree's req/s and ratio to the peer as a multiple of the base's.
set -euo pipefail
# A developer's .env must not change what is measured or fuzzed.
export JIXIAO_DOTENV=false
cd "$(dirname "$0")/.."
pg=${BENCH_PG_URL:?set BENCH_PG_URL=postgres://user:password@host:port}
reports=${1:-2000}
secs=${2:-15}
base_bin=${BENCH_BASE_BIN:-}
[ -z "$base_bin" ] || [ -x "$base_bin" ] || { echo "BENCH_BASE_BIN: $base_bin is not an executable"; exit 2; }
db=jixiao_bench
url="$pg/$db"
base_url="$pg/${db}_base"
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
command -v jq >/dev/null || { apt-get update -qq && apt-get install -y -qq jq >/dev/null; }

# Database $2 (a name) filled by binary $1: its migrations, its generator, its import.
prepare() {
  local bin=$1 name=$2
  psql "$pg/postgres" -qc "DROP DATABASE IF EXISTS $name" -c "CREATE DATABASE $name" >/dev/null
  DATABASE_URL="$pg/$name" RUST_LOG=warn $bin migrate
  $bin generate --reports "$reports" --indicators 12 --departments 50 --out "$work/gen-$name.jsonl"
  DATABASE_URL="$pg/$name" RUST_LOG=warn $bin import "$work/gen-$name.jsonl" --create-departments --quiet
  psql "$pg/$name" -q >/dev/null <<'SQL'
INSERT INTO signature (id, report_id, ordinal, signer_subject, signer_name, role, signed_at, content_digest)
  SELECT gen_random_uuid(), id, 1, 'e-1', '评价组组长', 'GROUP_LEADER', now(), content_digest FROM report;
INSERT INTO review_comment (id, report_id, parent_id, target_kind, target_path, indicator_id, author_subject,
  author_name, author_role, body, resolved, resolved_by, resolved_at, created_at, updated_at)
  SELECT gen_random_uuid(), id, NULL, 'REPORT', NULL, NULL, 'f-1', '财政股室', 'FINANCE_REVIEWER', '请核对收入合计', false,
  NULL, NULL, now(), now() FROM report;
UPDATE report SET status = 'PUBLISHED' WHERE id <> (SELECT id FROM report ORDER BY id LIMIT 1);
ANALYZE;
SQL
}

echo "== data: $reports reports"
cargo build --release -q
bin=target/release/jixiao
prepare $bin $db
if [ -n "$base_bin" ]; then
  echo "== base: $base_bin, database ${db}_base"
  prepare "$base_bin" "${db}_base"
fi

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
[ -z "$base_bin" ] || psql "$base_url" -qc "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" 2>/dev/null || true

echo "== peer: PostGraphile 4"
if [ ! -x bench/.peer/node_modules/.bin/postgraphile ]; then
  mkdir -p bench/.peer
  (cd bench/.peer && echo '{"name": "jixiao-bench-peer", "private": true}' > package.json && npm install --no-audit --no-fund -s postgraphile@4 >/dev/null)
fi
NODE_ENV=production bench/.peer/node_modules/.bin/postgraphile -c "$url" --host 127.0.0.1 --port 5050 \
  --disable-query-log --max-pool-size 10 --disable-graphiql >"$work/peer.log" 2>&1 &
pids+=($!)

# The servers measured: the peer, this tree with and without its cache, and the base likewise.
# Per side: endpoint, Authorization, body prefix, database, process, label.
declare -A U A B D PID NAME
sides=(peer jixiao nocache)
[ -z "$base_bin" ] || sides+=(base basenc)
U[peer]=http://127.0.0.1:5050/graphql; A[peer]=""; B[peer]=peer; D[peer]=$url; NAME[peer]="PostGraphile 4"
# Starts binary $2 as side $1 on port $3 with database $4 and extra environment $5.
serve() {
  env DATABASE_URL="$4" JIXIAO_LISTEN=127.0.0.1:$3 JIXIAO_JWT_SECRET=bench JIXIAO_LOAD_REFERENCE=false \
    JIXIAO_WEBHOOKS=false JIXIAO_RATE_LIMIT=0 RUST_LOG=warn $5 "$2" >"$work/$1.log" 2>&1 &
  PID[$1]=$!
  pids+=($!)
  U[$1]=http://127.0.0.1:$3/graphql
  A[$1]="Bearer $(JIXIAO_JWT_SECRET=bench "$2" token --role ADMIN --department '*')"
  D[$1]=$4
}
serve jixiao "$bin" 8090 "$url" ""; B[jixiao]=jixiao; NAME[jixiao]="jixiao"
serve nocache "$bin" 8091 "$url" JIXIAO_RESPONSE_CACHE_MB=0; B[nocache]=jixiao; NAME[nocache]="jixiao, cache off"
if [ -n "$base_bin" ]; then
  serve base "$base_bin" 8092 "$base_url" ""; B[base]=base; NAME[base]="base"
  serve basenc "$base_bin" 8093 "$base_url" JIXIAO_RESPONSE_CACHE_MB=0; B[basenc]=base; NAME[basenc]="base, cache off"
fi
for _ in $(seq 1 100); do
  up=true
  curl -sf -o /dev/null -X POST -H 'content-type: application/json' -d '{"query":"{__typename}"}' "${U[peer]}" || up=false
  for s in "${sides[@]}"; do [ $s = peer ] || curl -sf -o /dev/null "${U[$s]%/graphql}/healthz" || up=false; done
  $up && break
  sleep 0.2
done

body() { jq -cn --arg q "$1" '{query: $q}' > "$work/$2.json"; }
gid() { printf '%s:%s' "$1" "$2" | base64 -w0 | tr '+/' '-_' | tr -d '='; }
J_IND='indicators { name target { text } actual { text } }'
P_IND='indicatorsByReportId(orderBy: ORDINAL_ASC) { nodes { name targetText actualText } }'
J_MORE='evaluators { name role } signatures { signerName role } comments { nodes { body } } finance { units { name income { total } expenditure { total } } }'
P_MORE='evaluatorsByReportId(orderBy: ORDINAL_ASC) { nodes { name role } } signaturesByReportId(orderBy: ORDINAL_ASC) { nodes { signerName role } } reviewCommentsByReportId { nodes { body } } financeUnitsByReportId(condition: {isSummary: false}, orderBy: ORDINAL_ASC) { nodes { name incomeTotal expenditureTotal } }'
# The report Q3 reads and W1 writes, the indicator W1 records, per database.
declare -A RID IID GIID
for prefix in jixiao ${base_bin:+base}; do
  d=$([ $prefix = base ] && echo "$base_url" || echo "$url")
  RID[$prefix]=$(psql "$d" -Atc "SELECT id FROM report ORDER BY id LIMIT 1")
  IID[$prefix]=$(psql "$d" -Atc "SELECT id FROM indicator WHERE report_id = '${RID[$prefix]}' ORDER BY ordinal LIMIT 1")
  GIID[$prefix]=$(gid Indicator "${IID[$prefix]}")
  g=$(gid Report "${RID[$prefix]}")
  body "{ reports(first: 50) { nodes { id unitName fiscalYear $J_IND } } }" q1-$prefix
  body "{ reports(first: 50) { nodes { id unitName fiscalYear $J_IND $J_MORE } } }" q2-$prefix
  body "{ report(id: \"$g\") { id unitName title fiscalYear declaredScore profile { duties annualTasks } qualitativeGoals { expected actual } sections { key title body } $J_IND $J_MORE } }" q3-$prefix
  body "{ reports(first: 50, filter: {fiscalYear: 2021, departmentCode: \"GEN-001\", status: PUBLISHED}, orderBy: [{field: DECLARED_SCORE, direction: DESC}]) { nodes { id unitName declaredScore } } }" q4-$prefix
  body "{ report(id: \"$g\") { version } }" w1-$prefix-read
done
rid=${RID[jixiao]}
iid=${IID[jixiao]}
dept=$(psql "$url" -Atc "SELECT id FROM department WHERE code = 'GEN-001'")
body "{ allReports(first: 50, orderBy: [FISCAL_YEAR_DESC, UNIT_NAME_ASC, ID_ASC]) { nodes { id unitName fiscalYear $P_IND } } }" q1-peer
body "{ allReports(first: 50, orderBy: [FISCAL_YEAR_DESC, UNIT_NAME_ASC, ID_ASC]) { nodes { id unitName fiscalYear $P_IND $P_MORE } } }" q2-peer
body "{ reportById(id: \"$rid\") { id unitName title fiscalYear declaredScore duties annualTasks qualitativeGoalsByReportId { nodes { expected actual } } narrativeSectionsByReportId { nodes { key title body } } $P_IND $P_MORE } }" q3-peer
body "{ allReports(first: 50, condition: {fiscalYear: 2021, departmentId: \"$dept\", status: \"PUBLISHED\"}, orderBy: [DECLARED_SCORE_DESC, ID_ASC]) { nodes { id unitName declaredScore } } }" q4-peer
body "{ reportById(id: \"$rid\") { id } }" w1-peer-read

post() { curl -sf -X POST -H 'content-type: application/json' ${2:+-H "Authorization: $2"} --data @"$work/$1.json" "$3"; }
rows() { jq '[.. | objects | select(has("id") or has("name") or has("body") or has("signerName") or has("key") or has("expected"))] | length'; }
# SQL statements the database ran for 10 requests of side $2's query $1, per request (pg_stat_statements), or n/a.
sql_per_request() {
  local q=$1 s=$2
  $stat_ok || { echo n/a; return; }
  psql "${D[$s]}" -Atqc "SELECT pg_stat_statements_reset()" >/dev/null
  for _ in 1 2 3 4 5 6 7 8 9 10; do post "$q-${B[$s]}" "${A[$s]}" "${U[$s]}" >/dev/null; done
  psql "${D[$s]}" -Atc "SELECT coalesce(sum(calls), 0) FROM pg_stat_statements
    WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND query NOT LIKE '%pg_stat_statements%'" | awk '{printf "%.1f", $1 / 10}'
}

echo "== checking responses"
declare -A sql
for q in q1 q2 q3 q4; do
  declare -A ans
  for s in "${sides[@]}"; do
    ans[$s]=$(post "$q-${B[$s]}" "${A[$s]}" "${U[$s]}")
    [ "$(echo "${ans[$s]}" | jq 'has("errors")')" = false ] || { echo "$q ${NAME[$s]}: errors"; echo "${ans[$s]}" | head -c 600; echo; exit 1; }
  done
  [ "$(echo "${ans[jixiao]}" | jq -S .)" = "$(echo "${ans[nocache]}" | jq -S .)" ] || { echo "$q: jixiao answers differently with and without its cache"; exit 1; }
  pr=$(echo "${ans[peer]}" | rows)
  for s in "${sides[@]}"; do
    r=$(echo "${ans[$s]}" | rows)
    [ "$r" = "$pr" ] || { echo "$q: row counts differ: ${NAME[$s]} $r, peer $pr"; exit 1; }
    sql[$q-$s]=$(sql_per_request "$q" "$s")
  done
  echo "$q: $pr rows on every server, $(echo "${ans[jixiao]}" | wc -c) bytes"
done

bench_one() {
  BENCH_BODY="$work/$1.json" BENCH_AUTH="$2" wrk -t2 -c32 -d"${secs}s" --latency -s bench/post.lua "$3" 2>&1 \
    | awk '/Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2} /Non-2xx/ {bad=$5} END {print rps, p50, p99, bad + 0}'
}
ms() { case "$1" in *us) echo "$1" | sed 's/us//' | awk '{print $1/1000}';; *ms) echo "${1%ms}";; *s) echo "$1" | sed 's/s//' | awk '{print $1*1000}';; *) echo "$1";; esac; }

# W1: at up to 10 per second (fewer when a write takes longer) for $2 seconds, side $1 reads the report's version, then
# records the first indicator's actual with that version (jixiao) or updates it (peer); appends "ms outcome" lines to $3.
writer() {
  local side=$1 until=$((SECONDS + $2)) out=$3 i=0 url=${U[$1]} auth=${A[$1]} b=${B[$1]}
  while [ $SECONDS -lt $until ]; do
    local t0; t0=$(date +%s%N); i=$((i + 1))
    if [ "$side" = peer ]; then
      post w1-peer-read "" "$url" >/dev/null
      jq -cn --arg q "mutation { updateIndicatorById(input: {id: \"$iid\", indicatorPatch: {actualText: \"9$((i % 10))%\"}}) { indicator { id } } }" '{query: $q}' > "$work/w1-$side.json"
    else
      v=$(post "w1-$b-read" "$auth" "$url" | jq -r '.data.report.version')
      jq -cn --arg q "mutation { recordIndicatorActual(input: {id: \"${GIID[$b]}\", expectedVersion: $v, actual: {text: \"9$((i % 10))%\"}}) { userErrors { code } } }" '{query: $q}' > "$work/w1-$side.json"
    fi
    local took ok
    took=$(curl -s -o "$work/w1-$side.out" -w '%{time_total}' -X POST -H 'content-type: application/json' ${auth:+-H "Authorization: $auth"} \
      --data @"$work/w1-$side.json" "$url")
    ok=$(jq -r 'if has("errors") or ((.data // {}) | tostring | test("userErrors\":\\[\\{")) then "refused" else "ok" end' "$work/w1-$side.out" 2>/dev/null || echo refused)
    echo "$took $ok" | awk '{printf "%.2f %s\n", $1 * 1000, $2}' >> "$out"
    local left=$(( 100000000 - ($(date +%s%N) - t0) ))
    if [ $left -gt 0 ]; then sleep "0.$(printf '%09d' $left)"; fi
  done
  return 0
}

echo "== load: wrk 2 threads × 32 connections, ${secs}s each"
peak=0
row() { # name server rps p50 p99 ratio p99-ratio sql
  printf '| %s | %s | %.0f | %.2f | %.2f | %s | %s | %s |\n' "$1" "$2" "$3" "$4" "$5" "$6" "$7" "$8" >> "$work/table"
}
printf '\n| query | server | req/s | p50 ms | p99 ms | req/s ÷ peer | p99 ÷ peer | SQL/request |\n|---|---|---|---|---|---|---|---|\n' > "$work/table"
: > "$work/w1"; : > "$work/versus"
for q in q1 q2 q3 q4 w1; do
  base=$q; [ $q = w1 ] && base=q1
  declare -A r50 r99 rps
  for side in "${sides[@]}"; do
    [ $q = w1 ] && { : > "$work/w1-$side.lat"; writer $side "$secs" "$work/w1-$side.lat" & wpid=$!; }
    read -r x50 x99 xr bad < <(bench_one "$base-${B[$side]}" "${A[$side]}" "${U[$side]}" | awk '{print $2, $3, $1, $4}')
    [ $q = w1 ] && { wait $wpid || true; }
    [ "$bad" -gt 0 ] && { echo "$q ${NAME[$side]}: $bad non-2xx responses"; exit 1; }
    rps[$side]=$xr; r50[$side]=$(ms "$x50"); r99[$side]=$(ms "$x99")
    if [ $side = jixiao ] || [ $side = nocache ]; then rss=$(awk '/VmHWM/ {print $2}' /proc/${PID[$side]}/status); [ "$rss" -gt "$peak" ] && peak=$rss; fi
  done
  label=${q^^}; [ $q = w1 ] && label="Q1 + W1"
  for side in jixiao nocache ${base_bin:+base basenc} peer; do
    s=${sql[$base-$side]:-–}; [ $q = w1 ] && s="–"
    if [ $side = peer ]; then rr="1"; pr="1"; else rr=$(printf '%.2f×' "$(echo "${rps[$side]} / ${rps[peer]}" | bc -l)"); pr=$(printf '%.2f' "$(echo "${r99[$side]} / ${r99[peer]}" | bc -l)"); fi
    row "$label" "${NAME[$side]}" "${rps[$side]}" "${r50[$side]}" "${r99[$side]}" "$rr" "$pr" "$s"
  done
  if [ -n "$base_bin" ]; then
    printf '| %s | %.2f× | %.2f× |\n' "$label" "$(echo "${rps[jixiao]} / ${rps[base]}" | bc -l)" \
      "$(echo "${rps[nocache]} / ${rps[basenc]}" | bc -l)" >> "$work/versus"
  fi
  if [ $q = w1 ]; then
    for side in "${sides[@]}"; do
      sort -n "$work/w1-$side.lat" | awk -v s="${NAME[$side]}" -v secs="$secs" '{a[NR]=$1; if ($2 == "ok") ok++} END {printf "W1 (%s): %d writes in %d s, %d accepted, p50 %.1f ms, p99 %.1f ms\n", s, NR, secs, ok, a[int(NR*0.5)+1], a[int(NR*0.99)+1]}' >> "$work/w1"
    done
  fi
done
cat "$work/table"
if [ -n "$base_bin" ]; then
  printf '\nThis tree ÷ base (%s), req/s in the same run:\n\n| query | with the cache | without |\n|---|---|---|\n' "$base_bin"
  cat "$work/versus"
fi
echo
cat "$work/w1"
echo "jixiao peak RSS under load: $((peak / 1024)) MB; $reports reports; $(nproc) cores; $(date -u +%F)"
