//! Whole-response cache for queries. An entry is the serialized response of one query for one
//! caller, stored under the database's data version (see [`crate::domain::Db::data_version`]);
//! every request reads the current version (one indexed single-row read) and only an entry of
//! that version is served. Any committed write, through any instance, changes the version, so a
//! cached answer is never older than what the database would give. Only error-free responses to
//! single queries are kept, within a byte budget (when it is spent, the cache starts over).

use crate::domain::db::DataVersion;
use axum::body::Bytes;
use std::collections::HashMap;
use std::sync::Mutex;

/// The cache (disabled when its budget is 0).
pub struct ResponseCache {
    budget: usize,
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    version: DataVersion,
    bytes: usize,
    entries: HashMap<String, Bytes>,
}

impl ResponseCache {
    /// A cache of at most `budget` bytes of responses.
    pub fn new(budget: usize) -> Self {
        Self {
            budget,
            inner: Mutex::new(Inner::default()),
        }
    }

    /// Whether it caches at all.
    pub fn enabled(&self) -> bool {
        self.budget > 0
    }

    /// The response for `key` computed at data version `version`, if kept.
    pub fn get(&self, version: DataVersion, key: &str) -> Option<Bytes> {
        let inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if inner.version != version {
            return None;
        }
        inner.entries.get(key).cloned()
    }

    /// Keeps `body` for `key`, computed from data no older than `version`. Entries of any other
    /// version are dropped (an answer of an older version may replace newer ones; they are
    /// recomputed at the next miss).
    pub fn put(&self, version: DataVersion, key: String, body: Bytes) {
        if body.len() > self.budget / 4 {
            return;
        }
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if version != inner.version {
            *inner = Inner {
                version,
                ..Inner::default()
            };
        }
        if inner.bytes + body.len() + key.len() > self.budget {
            // Full: start over rather than freeze the first answers in place.
            inner.entries.clear();
            inner.bytes = 0;
        }
        inner.bytes += body.len() + key.len();
        inner.entries.insert(key, body);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_hold_for_their_version_only_and_the_budget_is_kept() {
        let cache = ResponseCache::new(400);
        cache.put((1, 7), "a".into(), Bytes::from_static(b"0123456789"));
        assert_eq!(cache.get((1, 7), "a").as_deref(), Some(&b"0123456789"[..]));
        assert_eq!(cache.get((2, 9), "a"), None, "another version");
        assert_eq!(
            cache.get((1, 8), "a"),
            None,
            "the same count with another stamp"
        );
        cache.put((2, 9), "b".into(), Bytes::from_static(b"new"));
        assert_eq!(cache.get((2, 9), "b").as_deref(), Some(&b"new"[..]));
        assert_eq!(
            cache.get((1, 7), "a"),
            None,
            "a new version dropped the older entries"
        );
        // Over budget: the cache starts over instead of growing.
        for i in 0..20 {
            cache.put((2, 9), format!("k{i}"), Bytes::from(vec![b'x'; 90]));
        }
        let inner = cache.inner.lock().unwrap_or_else(|e| e.into_inner());
        assert!(inner.bytes <= 400, "{}", inner.bytes);
        assert!(!inner.entries.is_empty());
        drop(inner);
        // Too large for a quarter of the budget: not kept.
        cache.put((2, 9), "big".into(), Bytes::from(vec![b'x'; 101]));
        assert_eq!(cache.get((2, 9), "big"), None);
    }
}
