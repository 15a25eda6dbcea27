#!/usr/bin/env bash
# Vendors the GraphiQL page's assets from the npm registry at pinned versions, so that the
# binary serves the IDE with no internet (government networks are intranets). The files are
# committed and embedded at build time (src/http/graphiql.rs); run this only to change a version:
#
#   assets/graphiql/vendor.sh && cargo test   # then commit assets/graphiql/
#
# Each package's integrity (the registry's SHA-512) is checked by npm; SHA256SUMS records the
# files taken, and the page loads each with a Subresource Integrity hash computed from it.
set -euo pipefail
cd "$(dirname "$0")"
GRAPHIQL=4.1.2 REACT=18.3.1 GRAPHQL_WS=5.16.2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack -s "graphiql@$GRAPHIQL" "react@$REACT" "react-dom@$REACT" "graphql-ws@$GRAPHQL_WS" >/dev/null)
take() { # package version path-in-package target
  mkdir -p "$work/$1"
  tar xzf "$work/$1-$2.tgz" -C "$work/$1"
  cp "$work/$1/package/$3" "$4"
}
take graphiql "$GRAPHIQL" graphiql.min.js graphiql.min.js
take graphiql "$GRAPHIQL" graphiql.min.css graphiql.min.css
take graphiql "$GRAPHIQL" LICENSE LICENSE.graphiql
take react "$REACT" umd/react.production.min.js react.production.min.js
take react "$REACT" LICENSE LICENSE.react
take react-dom "$REACT" umd/react-dom.production.min.js react-dom.production.min.js
take graphql-ws "$GRAPHQL_WS" umd/graphql-ws.min.js graphql-ws.min.js
take graphql-ws "$GRAPHQL_WS" LICENSE.md LICENSE.graphql-ws
printf 'graphiql %s\nreact %s\nreact-dom %s\ngraphql-ws %s\n' "$GRAPHIQL" "$REACT" "$REACT" "$GRAPHQL_WS" > VERSIONS
sha256sum graphiql.min.js graphiql.min.css react.production.min.js react-dom.production.min.js graphql-ws.min.js > SHA256SUMS
cat VERSIONS SHA256SUMS
