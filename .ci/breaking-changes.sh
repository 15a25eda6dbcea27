#!/usr/bin/env bash
# Fails when a commit of the last 100 changed schema.graphql in a way that breaks clients and
# CHANGELOG.md does not record that change word for word (the line graphql-js prints, e.g.
# "Report.foo was removed."). Dangerous changes (an enum value or optional input added) are
# printed, not refused. Uses the graphql package that .ci/lint-schema.sh installs.
set -eu
dir=${LINT_HOME:-$HOME/.cache/jixiao-lint}
export LINT_NODE_MODULES="$dir/node_modules"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
missing=0
for c in $(git log --format=%H -n 100 -- schema.graphql); do
  parent=$(git rev-parse -q --verify "$c~1") || continue
  git show "$parent:schema.graphql" >"$tmp/old.graphql" 2>/dev/null || continue
  git show "$c:schema.graphql" >"$tmp/new.graphql"
  node "$(dirname "$0")/breaking-changes.mjs" "$tmp/old.graphql" "$tmp/new.graphql" >"$tmp/changes"
  while IFS= read -r line; do
    case "$line" in
      "BREAKING "*)
        change=${line#BREAKING }
        if ! grep -qF -- "$change" CHANGELOG.md; then
          echo "breaking change in $(git log -1 --format=%h "$c") not in CHANGELOG.md: $change"
          missing=1
        fi
        ;;
    esac
  done <"$tmp/changes"
done
if [ "$missing" -ne 0 ]; then
  echo "Record each breaking change in CHANGELOG.md (after deprecating it first), or restore the field."
  exit 1
fi
echo "schema.graphql: no unrecorded breaking change in the last 100 commits"
