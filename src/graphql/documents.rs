//! Parsed query documents kept by their text, so that a document sent again (the usual case:
//! clients send the same few queries with other variables) is not parsed again. Parsing is the
//! largest cost of a request answered from the response cache, and a tenth of one that runs.
//!
//! Only documents that passed the pre-check (bounded size, tokens and nesting) and parsed are
//! kept. The cache is bounded by the total length of the texts it holds; when a new document
//! would pass that bound, the cache starts again empty, so a client sending ever new documents
//! costs parsing, as without the cache, and never more memory than the bound.

use async_graphql::parser::types::ExecutableDocument;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Parsed documents by text.
pub struct Documents {
    inner: Mutex<Inner>,
    max_bytes: usize,
}

#[derive(Default)]
struct Inner {
    by_text: HashMap<Box<str>, Arc<ExecutableDocument>>,
    bytes: usize,
}

impl Documents {
    /// A cache holding documents of at most `max_bytes` of text in all (0: keeps none).
    pub fn new(max_bytes: usize) -> Self {
        Self {
            inner: Mutex::new(Inner::default()),
            max_bytes,
        }
    }

    /// The parsed document of `query`, or `None` if it does not parse (the caller's request
    /// then reports the parse error as it always has).
    pub fn parse(&self, query: &str) -> Option<Arc<ExecutableDocument>> {
        if let Some(doc) = self.lock().by_text.get(query) {
            return Some(doc.clone());
        }
        let doc = Arc::new(async_graphql::parser::parse_query(query).ok()?);
        if query.len() <= self.max_bytes {
            let mut inner = self.lock();
            if inner.bytes + query.len() > self.max_bytes {
                inner.by_text.clear();
                inner.bytes = 0;
            }
            if inner.by_text.insert(query.into(), doc.clone()).is_none() {
                inner.bytes += query.len();
            }
        }
        Some(doc)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Documents held and the bytes of their texts.
    pub fn size(&self) -> (usize, usize) {
        let inner = self.lock();
        (inner.by_text.len(), inner.bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::Documents;
    use std::sync::Arc;

    #[test]
    fn a_document_sent_again_is_the_one_parsed_first() {
        let documents = Documents::new(1024);
        let first = documents
            .parse("{ reports { totalCount } }")
            .expect("parses");
        let again = documents
            .parse("{ reports { totalCount } }")
            .expect("parses");
        assert!(Arc::ptr_eq(&first, &again));
        let fresh = async_graphql::parser::parse_query("{ reports { totalCount } }");
        assert_eq!(
            format!("{first:?}"),
            format!("{:?}", fresh.expect("parses"))
        );
    }

    #[test]
    fn unparsable_documents_are_not_kept_and_the_bound_holds() {
        let documents = Documents::new(64);
        assert!(documents.parse("{ reports { ").is_none());
        assert_eq!(documents.size(), (0, 0));
        for n in 0..100 {
            documents.parse(&format!("query Q{n} {{ reports {{ totalCount }} }}"));
            assert!(documents.size().1 <= 64, "{:?}", documents.size());
        }
        // Longer than the whole bound: parsed, never kept.
        let long = format!("{{ {} }}", "__typename ".repeat(20));
        assert!(documents.parse(&long).is_some());
        assert!(documents.size().1 <= 64);
    }
}
