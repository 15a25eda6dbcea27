//! The evidence store: blobs named by their SHA-256, behind one interface (`object_store`) with
//! two backends: a local directory (the embedded default) and S3-compatible object storage.
//!
//! A blob is written once: its name is its content's digest, so the same file uploaded twice
//! is stored once, and a blob is never changed in place. Writes go to a temporary name and
//! become visible whole (the local backend renames; S3 completes a multipart upload), so an
//! interrupted upload leaves no blob behind.

use crate::error::AppError;
use futures_util::StreamExt;
use object_store::path::Path as ObjectPath;
use object_store::{GetOptions, GetRange, ObjectStore, PutPayload, WriteMultipart};
use std::io::Read;
use std::ops::Range;
use std::sync::Arc;

/// Bytes read from a local file per step.
const CHUNK: usize = 1024 * 1024;
/// The size of a part of a multipart upload: S3's least (but for the last part); a local store
/// takes smaller ones.
const S3_PART: usize = 5 * 1024 * 1024;

/// Where the S3 backend connects (each from its `JIXIAO_S3_*` setting).
#[derive(Debug, Clone, Default)]
pub struct S3Settings {
    /// `s3://bucket/prefix`.
    pub url: String,
    /// Endpoint of an S3-compatible server (`http://127.0.0.1:9000`); AWS when absent.
    pub endpoint: Option<String>,
    /// Region.
    pub region: Option<String>,
    /// Access key id.
    pub access_key_id: Option<String>,
    /// Secret access key.
    pub secret_access_key: Option<String>,
}

/// A blob store.
#[derive(Clone)]
pub struct Blobs {
    store: Arc<dyn ObjectStore>,
    /// Bytes per part of a multipart upload.
    part: usize,
    /// `local` or `s3`, for logs and metrics.
    pub backend: &'static str,
}

/// What a blob read found.
pub enum Fetched {
    /// The bytes asked for (the whole blob, or the range), as a stream, with the blob's size.
    Found {
        /// The blob's size.
        size: u64,
        /// The bytes.
        stream: futures_util::stream::BoxStream<'static, Result<axum::body::Bytes, std::io::Error>>,
    },
    /// No blob of that name.
    Missing,
}

fn unavailable(what: &str, e: impl std::fmt::Display) -> AppError {
    AppError::unavailable(format!("evidence store ({what}): {e}"))
}

impl Blobs {
    /// A store over the local directory `dir` (created if absent).
    pub fn local(dir: &std::path::Path) -> Result<Self, AppError> {
        std::fs::create_dir_all(dir).map_err(|e| {
            AppError::BadUserInput(format!(
                "佐证材料目录 {} 无法创建：{e}（JIXIAO_EVIDENCE_STORE）",
                dir.display()
            ))
        })?;
        let store = object_store::local::LocalFileSystem::new_with_prefix(dir)
            .map_err(|e| AppError::BadUserInput(format!("佐证材料目录无法使用：{e}")))?;
        Ok(Self {
            store: Arc::new(store),
            part: CHUNK,
            backend: "local",
        })
    }

    /// A store in the S3 bucket (and prefix) of `settings.url`.
    pub fn s3(settings: &S3Settings) -> Result<Self, AppError> {
        use object_store::aws::AmazonS3Builder;
        let mut builder = AmazonS3Builder::new().with_url(settings.url.as_str());
        if let Some(endpoint) = &settings.endpoint {
            builder = builder
                .with_endpoint(endpoint.as_str())
                .with_allow_http(endpoint.starts_with("http://"));
        }
        builder = builder.with_region(settings.region.as_deref().unwrap_or("us-east-1"));
        if let Some(key) = &settings.access_key_id {
            builder = builder.with_access_key_id(key.as_str());
        }
        if let Some(secret) = &settings.secret_access_key {
            builder = builder.with_secret_access_key(secret.as_str());
        }
        let store = builder.build().map_err(|e| {
            AppError::BadUserInput(format!(
                "佐证材料对象存储配置有误（JIXIAO_EVIDENCE_STORE / JIXIAO_S3_*）：{e}"
            ))
        })?;
        // The prefix of the URL: object_store's S3 client addresses the bucket, and paths are
        // ours to prefix.
        let prefix = settings
            .url
            .trim_start_matches("s3://")
            .split_once('/')
            .map(|(_, p)| p.trim_matches('/').to_owned())
            .unwrap_or_default();
        let store: Arc<dyn ObjectStore> = if prefix.is_empty() {
            Arc::new(store)
        } else {
            Arc::new(object_store::prefix::PrefixStore::new(store, prefix))
        };
        Ok(Self {
            store,
            part: S3_PART,
            backend: "s3",
        })
    }

    /// The blob of `sha256`: `blobs/ab/abcdef…`.
    fn path(sha256: &str) -> ObjectPath {
        ObjectPath::from(format!("blobs/{}/{sha256}", &sha256[..2.min(sha256.len())]))
    }

    /// Whether the blob of `sha256` is stored.
    pub async fn exists(&self, sha256: &str) -> Result<bool, AppError> {
        match self.store.head(&Self::path(sha256)).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(unavailable("head", e)),
        }
    }

    /// Stores the content of `file` (already hashed to `sha256`, `size` bytes) unless a blob of
    /// that digest is stored already. Streams: at most a part being filled, one part in flight
    /// and one read step are held in memory (about 11 MiB on S3, 3 MiB locally).
    pub async fn put_file(
        &self,
        file: &std::fs::File,
        sha256: &str,
        size: u64,
    ) -> Result<(), AppError> {
        if self.exists(sha256).await? {
            return Ok(());
        }
        let path = Self::path(sha256);
        let mut file = file.try_clone().map_err(AppError::internal)?;
        rewind(&mut file)?;
        if size <= CHUNK as u64 {
            let (_, bytes) = read_chunk(file).await?;
            self.store
                .put(&path, PutPayload::from(bytes))
                .await
                .map_err(|e| unavailable("put", e))?;
            return Ok(());
        }
        let upload = self
            .store
            .put_multipart(&path)
            .await
            .map_err(|e| unavailable("put", e))?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload, self.part);
        loop {
            if let Err(e) = writer.wait_for_capacity(1).await {
                let _ = writer.abort().await;
                return Err(unavailable("put", e));
            }
            let (rest, bytes) = match read_chunk(file).await {
                Ok(read) => read,
                Err(e) => {
                    let _ = writer.abort().await;
                    return Err(e);
                }
            };
            file = rest;
            if bytes.is_empty() {
                break;
            }
            writer.write(&bytes);
        }
        writer
            .finish()
            .await
            .map(|_| ())
            .map_err(|e| unavailable("put", e))
    }

    /// The blob of `sha256`, whole or the byte range `range`.
    pub async fn get(&self, sha256: &str, range: Option<Range<u64>>) -> Result<Fetched, AppError> {
        let options = GetOptions {
            range: range.map(GetRange::Bounded),
            ..Default::default()
        };
        match self.store.get_opts(&Self::path(sha256), options).await {
            Ok(result) => {
                let size = result.meta.size;
                let stream = result
                    .into_stream()
                    .map(|chunk| chunk.map_err(std::io::Error::other))
                    .boxed();
                Ok(Fetched::Found { size, stream })
            }
            Err(object_store::Error::NotFound { .. }) => Ok(Fetched::Missing),
            Err(e) => Err(unavailable("get", e)),
        }
    }

    /// The SHA-256 of the blob stored as `sha256`, recomputed from its bytes (`None` if it is
    /// missing): tamper detection at rest.
    pub async fn rehash(&self, sha256: &str) -> Result<Option<String>, AppError> {
        use sha2::{Digest, Sha256};
        let Fetched::Found { mut stream, .. } = self.get(sha256, None).await? else {
            return Ok(None);
        };
        let mut hasher = Sha256::new();
        while let Some(chunk) = stream.next().await {
            hasher.update(chunk.map_err(|e| unavailable("read", e))?);
        }
        Ok(Some(hex(&hasher.finalize())))
    }

    /// Removes the blob of `sha256` (nothing if it is missing).
    pub async fn delete(&self, sha256: &str) -> Result<(), AppError> {
        match self.store.delete(&Self::path(sha256)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(unavailable("delete", e)),
        }
    }

    /// Every stored blob: its digest and when it was written.
    pub async fn list(&self) -> Result<Vec<(String, chrono::DateTime<chrono::Utc>)>, AppError> {
        let prefix = ObjectPath::from("blobs");
        let mut stream = self.store.list(Some(&prefix));
        let mut out = Vec::new();
        while let Some(meta) = stream.next().await {
            let meta = meta.map_err(|e| unavailable("list", e))?;
            if let Some(name) = meta.location.filename()
                && is_sha256(name)
            {
                out.push((name.to_owned(), meta.last_modified));
            }
        }
        Ok(out)
    }

    /// Overwrites the blob of `sha256` with `bytes` (tests: a blob altered at rest).
    #[doc(hidden)]
    pub async fn overwrite(&self, sha256: &str, bytes: Vec<u8>) -> Result<(), AppError> {
        self.store
            .put(&Self::path(sha256), PutPayload::from(bytes))
            .await
            .map(|_| ())
            .map_err(|e| unavailable("put", e))
    }
}

/// Lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether `s` is 64 lowercase hex digits.
pub fn is_sha256(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn rewind(file: &mut std::fs::File) -> Result<(), AppError> {
    use std::io::Seek;
    file.rewind().map_err(AppError::internal)
}

/// Reads up to one chunk of `file` off the async threads; gives the file back with the bytes.
async fn read_chunk(file: std::fs::File) -> Result<(std::fs::File, Vec<u8>), AppError> {
    tokio::task::spawn_blocking(move || {
        let mut buf = Vec::with_capacity(CHUNK);
        let mut handle = (&file).take(CHUNK as u64);
        handle.read_to_end(&mut buf).map(|_| (file, buf))
    })
    .await
    .map_err(AppError::internal)?
    .map_err(AppError::internal)
}
