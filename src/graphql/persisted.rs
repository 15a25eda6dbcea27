//! Automatic persisted queries (the Apollo APQ protocol, which Apollo Client's persisted-query
//! link and urql's persisted exchange speak): a client first sends only the SHA-256 of its
//! query in `extensions.persistedQuery`; if the server does not know it, the answer is the error
//! `PERSISTED_QUERY_NOT_FOUND` and the client sends the hash with the query, which registers
//! it. A hash that is not the query's is refused (`PERSISTED_QUERY_HASH_MISMATCH`), so one
//! client cannot register another text under a hash others use.
//!
//! Registered texts are held like parsed documents (`super::documents`): bounded by their total
//! length, after which the store starts again empty (clients then send the query again, as the
//! protocol expects). Only texts of at most the pre-check's query size are kept.
//!
//! Trusted documents: a manifest of the operations a deployment's clients use, as client
//! tooling emits it (graphql-codegen's `persisted-documents.json`, Relay's
//! `persisted_queries.json`: a JSON object from an id to the document text), loaded at start.
//! Its documents are always known by the SHA-256 of their text, so the first hash-only request
//! already succeeds; with `only` set, a request whose document is not in the manifest is
//! refused (`DOCUMENT_NOT_TRUSTED`), over HTTP and the WebSocket alike, and nothing is
//! registered.

use super::limits::refusal;
use async_graphql::ServerError;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Mutex;

/// Query texts by the SHA-256 of their text.
pub struct PersistedQueries {
    inner: Mutex<Inner>,
    max_bytes: usize,
    trusted: HashMap<[u8; 32], Box<str>>,
    only: bool,
}

/// The most bytes a trusted-documents manifest may have, and the most documents in it.
pub const MAX_MANIFEST_BYTES: u64 = 16 * 1024 * 1024;
/// The most documents in a manifest.
pub const MAX_MANIFEST_DOCUMENTS: usize = 10_000;

/// Reads a trusted-documents manifest: a JSON object from an id to a document text. An id of
/// 64 hexadecimal digits must be the SHA-256 of its text (graphql-codegen's); others (Relay's
/// MD5 ids) are names only. Every text must be at most `max_query_bytes` and parse as a GraphQL
/// document. The error says which entry is wrong.
pub fn read_manifest(
    path: &std::path::Path,
    max_query_bytes: usize,
) -> Result<HashMap<[u8; 32], Box<str>>, String> {
    use std::io::Read;
    let name = path.display();
    let file =
        std::fs::File::open(path).map_err(|e| format!("无法读取可信文档清单 {name}：{e}"))?;
    let mut text = String::new();
    file.take(MAX_MANIFEST_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(|e| format!("无法读取可信文档清单 {name}：{e}"))?;
    if text.len() as u64 > MAX_MANIFEST_BYTES {
        return Err(format!(
            "可信文档清单 {name} 超过 {MAX_MANIFEST_BYTES} 字节"
        ));
    }
    let entries: HashMap<String, String> = serde_json::from_str(&text)
        .map_err(|e| format!("可信文档清单 {name} 应为 JSON 对象 {{\"编号\": \"文档\"}}：{e}"))?;
    if entries.len() > MAX_MANIFEST_DOCUMENTS {
        return Err(format!(
            "可信文档清单 {name} 有 {} 个文档，最多 {MAX_MANIFEST_DOCUMENTS} 个",
            entries.len()
        ));
    }
    let mut out = HashMap::with_capacity(entries.len());
    for (id, document) in entries {
        if document.len() > max_query_bytes {
            return Err(format!(
                "可信文档 {id} 超过 {max_query_bytes} 字节的查询上限"
            ));
        }
        let hash: [u8; 32] = Sha256::digest(document.as_bytes()).into();
        if let Some(claimed) = decode_hex(&id)
            && claimed != hash
        {
            return Err(format!("可信文档 {id} 的编号不是其文本的 SHA-256"));
        }
        async_graphql::parser::parse_query(&document)
            .map_err(|e| format!("可信文档 {id} 无法解析：{e}"))?;
        out.insert(hash, document.into_boxed_str());
    }
    Ok(out)
}

#[derive(Default)]
struct Inner {
    by_hash: HashMap<[u8; 32], Box<str>>,
    bytes: usize,
}

impl PersistedQueries {
    /// A store holding at most `max_bytes` of query text in all (0: keeps none, so every
    /// hash-only request is answered PERSISTED_QUERY_NOT_FOUND and the client sends its query).
    pub fn new(max_bytes: usize) -> Self {
        Self::with_trusted(max_bytes, HashMap::new(), false)
    }

    /// A store that also knows the manifest's documents; with `only`, it accepts nothing else.
    pub fn with_trusted(
        max_bytes: usize,
        trusted: HashMap<[u8; 32], Box<str>>,
        only: bool,
    ) -> Self {
        Self {
            inner: Mutex::new(Inner::default()),
            max_bytes,
            trusted,
            only,
        }
    }

    /// Refuses a document outside the manifest when only trusted documents are accepted.
    pub fn check_trusted(&self, query: &str) -> Result<(), ServerError> {
        if !self.only {
            return Ok(());
        }
        let hash: [u8; 32] = Sha256::digest(query.as_bytes()).into();
        if self.trusted.contains_key(&hash) {
            Ok(())
        } else {
            Err(not_trusted())
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Applies `extensions.persistedQuery` of a request, if it has one: fills in the query of
    /// a known hash, registers a query sent with its hash, or refuses with a coded error. The
    /// extension is taken off the request, so a second call (GET resolves before its checks,
    /// then runs the shared path) does nothing.
    pub fn resolve(&self, request: &mut async_graphql::Request) -> Result<(), ServerError> {
        let Some(persisted) = request.extensions.remove("persistedQuery") else {
            return self.check_trusted(&request.query);
        };
        let value = serde_json::to_value(&persisted).unwrap_or_default();
        let version = value.get("version").and_then(serde_json::Value::as_i64);
        let hash = value
            .get("sha256Hash")
            .and_then(serde_json::Value::as_str)
            .and_then(decode_hex);
        let (Some(1), Some(hash)) = (version, hash) else {
            return Err(refusal(
                "PERSISTED_QUERY_NOT_SUPPORTED",
                "extensions.persistedQuery 须为 {\"version\": 1, \"sha256Hash\": \"<64 位十六进制>\"}"
                    .into(),
                None,
            ));
        };
        if request.query.is_empty() {
            if let Some(query) = self.trusted.get(&hash) {
                request.query = query.to_string();
                return Ok(());
            }
            if self.only {
                return Err(not_trusted());
            }
            return match self.lock().by_hash.get(&hash) {
                Some(query) => {
                    request.query = query.to_string();
                    Ok(())
                }
                None => Err(refusal(
                    "PERSISTED_QUERY_NOT_FOUND",
                    "PersistedQueryNotFound：服务端未登记该查询的哈希，请连同 query 一并重新发送"
                        .into(),
                    None,
                )),
            };
        }
        let actual: [u8; 32] = Sha256::digest(request.query.as_bytes()).into();
        if actual != hash {
            return Err(refusal(
                "PERSISTED_QUERY_HASH_MISMATCH",
                "extensions.persistedQuery.sha256Hash 与 query 文本的 SHA-256 不一致".into(),
                None,
            ));
        }
        self.check_trusted(&request.query)?;
        let len = request.query.len();
        if len <= self.max_bytes && !self.trusted.contains_key(&hash) {
            let mut inner = self.lock();
            if !inner.by_hash.contains_key(&hash) {
                if inner.bytes + len > self.max_bytes {
                    inner.by_hash.clear();
                    inner.bytes = 0;
                }
                inner.by_hash.insert(hash, request.query.as_str().into());
                inner.bytes += len;
            }
        }
        Ok(())
    }
}

/// The refusal of a document outside the trusted-documents manifest.
fn not_trusted() -> ServerError {
    refusal(
        "DOCUMENT_NOT_TRUSTED",
        "本服务只接受已登记的可信查询文档（trusted documents）；请使用客户端构建时生成的持久化文档，或请管理员将该查询加入清单".into(),
        None,
    )
}

/// 64 hexadecimal digits as 32 bytes (either case).
fn decode_hex(text: &str) -> Option<[u8; 32]> {
    let bytes = text.as_bytes();
    if bytes.len() != 64 {
        return None;
    }
    let digit = |b: u8| char::from(b).to_digit(16);
    let mut out = [0u8; 32];
    for (i, pair) in bytes.chunks_exact(2).enumerate() {
        let &[hi, lo] = pair else { return None };
        let (hi, lo) = (digit(hi)?, digit(lo)?);
        *out.get_mut(i)? = u8::try_from(hi * 16 + lo).ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(query: &str, hash: &str) -> async_graphql::Request {
        let mut r = async_graphql::Request::new(query);
        r.extensions.insert(
            "persistedQuery".into(),
            async_graphql::Value::from_json(
                serde_json::json!({ "version": 1, "sha256Hash": hash }),
            )
            .unwrap_or_default(),
        );
        r
    }

    fn code(e: &ServerError) -> String {
        e.extensions
            .as_ref()
            .and_then(|x| x.get("code"))
            .map(ToString::to_string)
            .unwrap_or_default()
    }

    #[test]
    fn the_apollo_round_trip() {
        let store = PersistedQueries::new(1024);
        let query = "{ __typename }";
        let hash = format!("{:x}", Sha256::digest(query.as_bytes()));
        let mut first = request("", &hash);
        let e = store.resolve(&mut first).expect_err("unknown");
        assert_eq!(code(&e), "\"PERSISTED_QUERY_NOT_FOUND\"");
        let mut wrong = request("{ viewer { roles } }", &hash);
        let e = store.resolve(&mut wrong).expect_err("mismatch");
        assert_eq!(code(&e), "\"PERSISTED_QUERY_HASH_MISMATCH\"");
        store
            .resolve(&mut request(query, &hash.to_uppercase()))
            .expect("registers");
        let mut again = request("", &hash);
        store.resolve(&mut again).expect("known");
        assert_eq!(again.query, query);
        for bad in ["", "zz", &"g".repeat(64), &"ä".repeat(32)] {
            let e = store.resolve(&mut request("", bad)).expect_err("bad hash");
            assert_eq!(code(&e), "\"PERSISTED_QUERY_NOT_SUPPORTED\"", "{bad}");
        }
        // Without the extension a request is left as it is.
        let mut plain = async_graphql::Request::new(query);
        store.resolve(&mut plain).expect("plain");
        assert_eq!(plain.query, query);
    }

    #[test]
    fn trusted_documents_are_known_at_once_and_alone_when_only() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let listed = "query Listed { __typename }";
        let hash = format!("{:x}", Sha256::digest(listed.as_bytes()));
        let manifest = dir.path().join("persisted-documents.json");
        let write = |json: serde_json::Value| {
            std::fs::write(&manifest, json.to_string()).unwrap_or_else(|e| panic!("{e}"));
        };
        // codegen's (sha256 ids) and Relay's (other ids) read alike.
        write(serde_json::json!({ &hash: listed, "0f3a9e": "{ viewer { roles } }" }));
        let trusted = read_manifest(&manifest, 1024).unwrap_or_else(|e| panic!("{e}"));
        let store = PersistedQueries::with_trusted(1024, trusted, true);
        let mut first = request("", &hash);
        store
            .resolve(&mut first)
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(first.query, listed);
        store
            .resolve(&mut async_graphql::Request::new("{ viewer { roles } }"))
            .unwrap_or_else(|e| panic!("{e:?}"));
        for refused in [
            async_graphql::Request::new("{ __typename }"),
            request(
                "{ __schema { types { name } } }",
                &format!("{:x}", Sha256::digest(b"{ __schema { types { name } } }")),
            ),
            request("", &"ab".repeat(32)),
        ] {
            let mut r = refused;
            let e = store.resolve(&mut r).expect_err("not listed");
            assert_eq!(code(&e), "\"DOCUMENT_NOT_TRUSTED\"");
        }
        assert!(store.lock().by_hash.is_empty(), "nothing registered");
        // A wrong sha256 id, a document that does not parse, not an object: refused at start.
        for bad in [
            serde_json::json!({ "ab".repeat(32): listed }),
            serde_json::json!({ "x": "{ unclosed" }),
            serde_json::json!(["{ a }"]),
        ] {
            write(bad.clone());
            assert!(read_manifest(&manifest, 1024).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_store_is_bounded() {
        let store = PersistedQueries::new(20);
        let queries = ["{ a }", "{ bb }", "{ ccc }", "{ dddd }", "{ eeeee }"];
        for q in queries {
            let hash = format!("{:x}", Sha256::digest(q.as_bytes()));
            store.resolve(&mut request(q, &hash)).expect("registers");
            assert!(store.lock().bytes <= 20);
        }
        let too_long = "{ a b c d e f g h i j k }";
        let hash = format!("{:x}", Sha256::digest(too_long.as_bytes()));
        store
            .resolve(&mut request(too_long, &hash))
            .expect("answered, not kept");
        let e = store
            .resolve(&mut request("", &hash))
            .expect_err("not kept");
        assert_eq!(code(&e), "\"PERSISTED_QUERY_NOT_FOUND\"");
    }
}
