//! Reading a POST body within its allowance. Every body may be `body_limit` bytes; only a
//! signed-in writer's `importReports` may be larger (up to `import_body_limit`), and that is
//! decided from the query text at the start of the body, before the large variables are read.
//! A body that is not an import therefore never costs more than `body_limit` bytes of memory.

use axum::body::{Body, Bytes};
use http_body_util::BodyExt;

/// Why a body was not read.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    /// Over the allowance.
    TooLarge,
    /// The connection failed or timed out while reading.
    Unreadable,
}

/// Reads `body` into memory: up to `limit` bytes, or up to `large_limit` when the first `limit`
/// bytes show (per `is_large_allowed`) that the request may be larger.
pub async fn read(
    mut body: Body,
    limit: usize,
    large_limit: usize,
    is_large_allowed: impl FnOnce(&[u8]) -> bool,
) -> Result<Bytes, Refused> {
    let mut buf = Vec::new();
    if fill(&mut body, &mut buf, limit).await? {
        return Ok(Bytes::from(buf));
    }
    if large_limit <= limit || !is_large_allowed(&buf[..limit]) {
        drop(buf);
        drain(&mut body, large_limit.max(limit)).await;
        return Err(Refused::TooLarge);
    }
    if fill(&mut body, &mut buf, large_limit).await? {
        Ok(Bytes::from(buf))
    } else {
        Err(Refused::TooLarge)
    }
}

/// Reads and discards what is left of a refused body, up to `max` bytes, so that a client that
/// sends its whole body before reading the answer gets the refusal instead of a reset
/// connection. Memory stays at one frame; time is bounded by the request timeout.
async fn drain(body: &mut Body, max: usize) {
    let mut seen = 0usize;
    while seen <= max {
        match body.frame().await {
            Some(Ok(frame)) => seen += frame.data_ref().map_or(0, |d| d.len()),
            _ => return,
        }
    }
}

/// Appends frames to `buf` until the body ends (true) or `buf` holds more than `limit` bytes
/// (false).
async fn fill(body: &mut Body, buf: &mut Vec<u8>, limit: usize) -> Result<bool, Refused> {
    while buf.len() <= limit {
        match body.frame().await {
            None => return Ok(true),
            Some(Err(_)) => return Err(Refused::Unreadable),
            Some(Ok(frame)) => {
                if let Ok(data) = frame.into_data() {
                    buf.extend_from_slice(&data);
                }
            }
        }
    }
    Ok(false)
}

/// The `query` member of the JSON object that `prefix` starts, if the prefix holds all of it:
/// a single pass without recursion over the members before it (their values are skipped).
/// Batches (arrays) and anything else give `None`.
pub fn leading_query(prefix: &[u8]) -> Option<String> {
    let mut i = skip_ws(prefix, 0);
    if prefix.get(i) != Some(&b'{') {
        return None;
    }
    i += 1;
    loop {
        i = skip_ws(prefix, i);
        let key_end = string_end(prefix, i)?;
        let key: String = serde_json::from_slice(&prefix[i..key_end]).ok()?;
        i = skip_ws(prefix, key_end);
        if prefix.get(i) != Some(&b':') {
            return None;
        }
        i = skip_ws(prefix, i + 1);
        if key == "query" {
            let end = string_end(prefix, i)?;
            return serde_json::from_slice(&prefix[i..end]).ok();
        }
        i = skip_ws(prefix, value_end(prefix, i)?);
        match prefix.get(i) {
            Some(b',') => i += 1,
            _ => return None,
        }
    }
}

fn skip_ws(s: &[u8], mut i: usize) -> usize {
    while i < s.len() && matches!(s[i], b' ' | b'\t' | b'\n' | b'\r') {
        i += 1;
    }
    i
}

/// The index after the JSON string starting at `i`.
fn string_end(s: &[u8], i: usize) -> Option<usize> {
    if s.get(i) != Some(&b'"') {
        return None;
    }
    let mut j = i + 1;
    while j < s.len() {
        match s[j] {
            b'\\' => j += 2,
            b'"' => return Some(j + 1),
            _ => j += 1,
        }
    }
    None
}

/// The index after the JSON value starting at `i` (nesting counted, not recursed), if the
/// value ends within `s`.
fn value_end(s: &[u8], i: usize) -> Option<usize> {
    match s.get(i)? {
        b'"' => string_end(s, i),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            loop {
                match s.get(j)? {
                    b'"' => {
                        j = string_end(s, j)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
        }
        _ => {
            let mut j = i;
            while j < s.len() && !matches!(s[j], b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
            {
                j += 1;
            }
            (j < s.len()).then_some(j)
        }
    }
}

/// Whether a query document does nothing but `importReports` or `readForm` (the operations
/// allowed a large body: many documents, or a handed-in file); it is pre-checked before it is
/// parsed.
pub(super) fn only_imports(query: &str, limits: &crate::graphql::limits::Limits) -> bool {
    only_mutations(query, limits, &["importReports", "readForm"])
}

/// Whether a query document holds mutations only, each selecting nothing but the root fields
/// `names`; it is pre-checked before it is parsed.
pub(super) fn only_mutations(
    query: &str,
    limits: &crate::graphql::limits::Limits,
    names: &[&str],
) -> bool {
    use async_graphql::parser::types::OperationType;
    if crate::graphql::precheck::check(query, limits).is_err() {
        return false;
    }
    let Ok(doc) = async_graphql::parser::parse_query(query) else {
        return false;
    };
    let doc = &doc;
    doc.operations.iter().all(|(_, op)| {
        op.node.ty == OperationType::Mutation
            && crate::graphql::limits::root_fields(doc, &op.node.selection_set)
                .iter()
                .all(|name| name.as_str() == "__typename" || names.contains(&name.as_str()))
    })
}

#[cfg(test)]
mod tests {
    use super::leading_query;

    #[test]
    fn finds_the_query_after_other_members() {
        let body = br#"{"operationName": "I", "extensions": {"a": [1, {"b": "}\""}]}, "n": -1.5e3, "t": true, "query": "mutation I { importReports }", "variables": {"#;
        assert_eq!(
            leading_query(body).as_deref(),
            Some("mutation I { importReports }")
        );
    }

    #[test]
    fn gives_nothing_when_the_query_is_not_in_the_prefix() {
        assert_eq!(leading_query(br#"{"variables": {"input": [1, 2"#), None);
        assert_eq!(leading_query(br#"[{"query": "{ a }"}]"#), None);
        assert_eq!(leading_query(br#"{"query": "unterminated"#), None);
        assert_eq!(leading_query(b""), None);
        assert_eq!(leading_query(&[b'['; 100_000]), None);
        assert_eq!(leading_query(&[b'{'; 100_000]), None);
    }
}
