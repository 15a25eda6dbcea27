#!/usr/bin/env bash
# Lints a GraphQL SDL file (default: schema.graphql) with graphql-schema-linter: descriptions on
# every type, field, argument and enum value; naming conventions; the Relay connection and
# PageInfo specs. Installs the linter with npm into ~/.cache/jixiao-lint on first use.
# Usage: .ci/lint-schema.sh [schema.graphql]
set -eu
file=${1:-schema.graphql}
dir=${LINT_HOME:-$HOME/.cache/jixiao-lint}
if [ ! -x "$dir/node_modules/.bin/graphql-schema-linter" ]; then
  mkdir -p "$dir"
  (cd "$dir" && npm init -y >/dev/null 2>&1 && npm install --no-audit --no-fund -s graphql@16 graphql-schema-linter@3 >/dev/null)
fi
rules=types-have-descriptions,fields-have-descriptions,arguments-have-descriptions,enum-values-have-descriptions,enum-values-all-caps,fields-are-camel-cased,input-object-values-are-camel-cased,input-object-values-have-descriptions,types-are-capitalized,deprecations-have-a-reason,defined-types-are-used,relay-connection-types-spec,relay-connection-arguments-spec,relay-page-info-spec
exec "$dir/node_modules/.bin/graphql-schema-linter" --format text --rules "$rules" "$file"
