#!/usr/bin/env bash
# The official forms read by an independent reader: starts jixiao (the given binary, default
# target/debug/jixiao) with a temporary SQLite database and the reference report, files the
# project fixture, downloads both reports' form.xlsx as Report.downloads gives them, and checks
# every value's row and column, the merged cells, the formulas, the page set-up and the footer
# with openpyxl (pinned in requirements.txt, installed into tests/forms/.venv on first use).
# Where LibreOffice is installed (`.ci/run` installs it), the server converts the forms to PDF
# too, which shows that LibreOffice opens the workbooks, and the PDFs' text is checked.
#
#   tests/forms/run.sh [JIXIAO_BINARY]
set -euo pipefail
export JIXIAO_DOTENV=false
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="${1:-target/debug/jixiao}"
case "$bin" in /*) ;; *) bin="$root/$bin" ;; esac
[[ -x "$bin" ]] || { echo "run.sh: no executable jixiao binary at $bin" >&2; exit 2; }
if [[ ! -x "$here/.venv/bin/python" ]]; then
  python3 -m venv "$here/.venv" 2>/dev/null || {
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
    python3 -m venv "$here/.venv"
  }
fi
"$here/.venv/bin/pip" install -q -r "$here/requirements.txt"

work="$(mktemp -d)"
trap 'kill $(cat "$work/pid" 2>/dev/null) 2>/dev/null || true; [[ -n "${KEEP:-}" ]] || rm -rf "$work"' EXIT
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
pdf=()
if command -v soffice >/dev/null 2>&1; then
  pdf=(JIXIAO_PDF_CONVERTER="$(command -v soffice)" JIXIAO_PDF_TIMEOUT=120 JIXIAO_REQUEST_TIMEOUT=150)
else
  echo "tests/forms: LibreOffice (soffice) not installed: PDF not checked"
fi
env "${pdf[@]}" DATABASE_URL="sqlite://$work/forms.db?mode=rwc" JIXIAO_LISTEN="127.0.0.1:$port" \
  JIXIAO_JWT_SECRET=form-checks JIXIAO_WEBHOOKS=false RUST_LOG=warn "$bin" >"$work/log" 2>&1 &
echo $! >"$work/pid"
for _ in $(seq 1 100); do curl -sf -o /dev/null "http://127.0.0.1:$port/readyz" && break; sleep 0.2; done
curl -sf -o /dev/null "http://127.0.0.1:$port/readyz" || { cat "$work/log" >&2; exit 1; }
token=$(JIXIAO_JWT_SECRET=form-checks "$bin" token --role ADMIN --department '*')
"$here/.venv/bin/python" "$here/check.py" "http://127.0.0.1:$port" "$token" \
  "$root/tests/fixtures/project-report.json" "$work"
