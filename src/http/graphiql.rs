//! GraphiQL served whole by the binary: the page and its assets (GraphiQL, React, graphql-ws,
//! vendored at pinned versions by `assets/graphiql/vendor.sh` and embedded at build time), so
//! the IDE works on an intranet with no internet. Each asset is loaded with a Subresource
//! Integrity hash; the page carries an example query, an Authorization header template, and
//! subscriptions over graphql-ws at `/graphql/ws`.

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use base64::Engine;
use sha2::Digest;
use std::sync::LazyLock;

/// One embedded asset.
struct Asset {
    name: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
}

macro_rules! asset {
    ($name:literal, $content_type:literal) => {
        Asset {
            name: $name,
            content_type: $content_type,
            bytes: include_bytes!(concat!("../../assets/graphiql/", $name)),
        }
    };
}

const ASSETS: [Asset; 5] = [
    asset!("react.production.min.js", "text/javascript; charset=utf-8"),
    asset!(
        "react-dom.production.min.js",
        "text/javascript; charset=utf-8"
    ),
    asset!("graphql-ws.min.js", "text/javascript; charset=utf-8"),
    asset!("graphiql.min.js", "text/javascript; charset=utf-8"),
    asset!("graphiql.min.css", "text/css; charset=utf-8"),
];

/// The versions taken (`assets/graphiql/VERSIONS`), shown in the page's source.
const VERSIONS: &str = include_str!("../../assets/graphiql/VERSIONS");

/// Where the assets are served.
const PREFIX: &str = "/graphiql/";

/// Each asset's SHA-384 for `integrity`, and its SHA-256 (hex, shortened) for the ETag.
static HASHES: LazyLock<Vec<(String, String)>> = LazyLock::new(|| {
    ASSETS
        .iter()
        .map(|a| {
            let sri = format!(
                "sha384-{}",
                base64::engine::general_purpose::STANDARD.encode(sha2::Sha384::digest(a.bytes))
            );
            let etag = hex(&sha2::Sha256::digest(a.bytes)[..16]);
            (sri, format!("\"{etag}\""))
        })
        .collect()
});

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The example query the page opens with: the published reports, the reference among them.
const EXAMPLE: &str = r#"# jixiao 绩效评价自评报告 GraphQL 接口。按 Ctrl-Enter 运行。
# 未登录时只能看到已公开（PUBLISHED）的报告；登录后请在下方 Headers 中填入令牌。
query PublishedReports {
  reports(first: 10) {
    totalCount
    nodes {
      id
      title
      unitName
      fiscalYear
      declaredScore
    }
  }
}
"#;

/// The headers template: sent only once the placeholder is replaced by a token.
const HEADERS: &str = r#"{
  "Authorization": "Bearer <在此粘贴令牌>"
}"#;

static PAGE: LazyLock<String> = LazyLock::new(|| {
    let tag = |name: &str| {
        let i = ASSETS.iter().position(|a| a.name == name).unwrap_or(0);
        let sri = HASHES.get(i).map(|h| h.0.as_str()).unwrap_or_default();
        if name.ends_with(".css") {
            format!(r#"<link rel="stylesheet" href="{PREFIX}{name}" integrity="{sri}" />"#)
        } else {
            format!(r#"<script src="{PREFIX}{name}" integrity="{sri}"></script>"#)
        }
    };
    let js = |s: &str| serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into());
    format!(
        r#"<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="robots" content="noindex">
<link rel="icon" href="data:,">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>jixiao 绩效评价自评报告 · GraphiQL</title>
<!-- Served by jixiao, no external requests. Vendored:
{versions}-->
<style>body {{ margin: 0; height: 100vh; overflow: hidden; }} #graphiql {{ height: 100vh; }}</style>
{css}
</head>
<body>
<div id="graphiql">正在加载 GraphiQL…</div>
{react}
{react_dom}
{ws}
{graphiql}
<script>
(function () {{
  var PLACEHOLDER = /</;
  // Headers whose value is still the template's placeholder are not sent.
  function real(headers) {{
    var out = {{}};
    Object.keys(headers || {{}}).forEach(function (k) {{
      var v = headers[k];
      if (typeof v === 'string' && !PLACEHOLDER.test(v)) out[k] = v;
    }});
    return out;
  }}
  var http = GraphiQL.createFetcher({{
    url: new URL('/graphql', location.href).toString(),
    fetch: function (url, opts) {{
      opts = Object.assign({{}}, opts);
      var h = Object.assign({{}}, opts.headers);
      if (h.Authorization && PLACEHOLDER.test(h.Authorization)) delete h.Authorization;
      opts.headers = h;
      return fetch(url, opts);
    }}
  }});
  var wsUrl = new URL('/graphql/ws', location.href);
  wsUrl.protocol = wsUrl.protocol === 'https:' ? 'wss:' : 'ws:';
  var socket = null, socketAuth = null;
  function client(auth) {{
    if (!socket || socketAuth !== auth) {{
      if (socket) socket.dispose();
      socketAuth = auth;
      socket = graphqlWs.createClient({{
        url: wsUrl.toString(),
        connectionParams: auth ? {{ Authorization: auth }} : {{}}
      }});
    }}
    return socket;
  }}
  function fetcher(params, opts) {{
    if (/^\s*subscription\b/m.test(params.query || '')) {{
      var auth = real(opts && opts.headers).Authorization || null;
      return client(auth).iterate(params);
    }}
    return http(params, opts);
  }}
  ReactDOM.createRoot(document.getElementById('graphiql')).render(
    React.createElement(GraphiQL, {{
      fetcher: fetcher,
      defaultQuery: {example},
      defaultHeaders: {headers},
      defaultEditorToolsVisibility: 'headers'
    }})
  );
}})();
</script>
</body>
</html>
"#,
        versions = VERSIONS,
        css = tag("graphiql.min.css"),
        react = tag("react.production.min.js"),
        react_dom = tag("react-dom.production.min.js"),
        ws = tag("graphql-ws.min.js"),
        graphiql = tag("graphiql.min.js"),
        example = js(EXAMPLE),
        headers = js(HEADERS),
    )
});

/// The page.
pub(super) fn page() -> Response {
    Html(PAGE.as_str()).into_response()
}

/// `GET /graphiql/{file}`: an embedded asset, with its ETag (a day's cache, then revalidated).
pub(super) async fn asset(
    Path(name): Path<String>,
    headers: axum::http::HeaderMap,
    axum::extract::State(state): axum::extract::State<super::AppState>,
) -> Response {
    let found = ASSETS.iter().position(|a| a.name == name);
    let (Some(i), true) = (found, state.edge.graphiql) else {
        return super::refuse(
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            "没有这个文件（GraphiQL 未开放时其资源也不提供）",
        );
    };
    let asset = &ASSETS[i];
    let etag = HASHES.get(i).map(|h| h.1.as_str()).unwrap_or_default();
    let cache = [
        (header::ETAG, HeaderValue::from_str(etag).ok()),
        (
            header::CACHE_CONTROL,
            Some(HeaderValue::from_static("public, max-age=86400")),
        ),
    ];
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    let mut response = if matches {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static(asset.content_type),
            )],
            asset.bytes,
        )
            .into_response()
    };
    for (name, value) in cache {
        if let Some(value) = value {
            response.headers_mut().insert(name, value);
        }
    }
    response
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;

    /// The embedded files are the ones `vendor.sh` recorded, and the page names each with
    /// its integrity hash and loads nothing from elsewhere.
    #[test]
    fn assets_match_their_recorded_sums_and_the_page_is_self_contained() {
        let sums = include_str!("../../assets/graphiql/SHA256SUMS");
        for asset in &ASSETS {
            let hex = hex(&sha2::Sha256::digest(asset.bytes));
            assert!(
                sums.lines().any(|l| l == format!("{hex}  {}", asset.name)),
                "{} differs from SHA256SUMS",
                asset.name
            );
        }
        let page = PAGE.as_str();
        for (i, asset) in ASSETS.iter().enumerate() {
            let tag = format!("{PREFIX}{}\" integrity=\"{}\"", asset.name, HASHES[i].0);
            assert!(page.contains(&tag), "{tag}");
        }
        for external in ["http://", "https://", "//unpkg", "//cdn"] {
            assert!(!page.contains(external), "{external} in the page");
        }
    }
}
