#!/usr/bin/env bash
# Starts an S3-compatible server for the evidence tests: moto's server, from PyPI, in a
# virtual environment under the target directory (installed on first use). Prints the PID;
# the server listens on 127.0.0.1:$1 and has an empty bucket `jixiao-test`.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${1:-9000}
venv=target/s3-venv
if [ ! -x "$venv/bin/moto_server" ]; then
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install -q "moto[server]==5.*" >&2
fi
"$venv/bin/moto_server" -H 127.0.0.1 -p "$port" >target/s3-server.log 2>&1 &
pid=$!
for _ in $(seq 1 60); do
  curl -s -o /dev/null "http://127.0.0.1:$port/" && break
  sleep 0.5
done
curl -sf -X PUT "http://127.0.0.1:$port/jixiao-test" -o /dev/null
echo "$pid"
