//! Evidence files travelling with an export: `jixiao export --out reports.jsonl` writes each
//! file the reports hold as `reports.evidence/<sha256>` beside the JSON Lines, and `jixiao
//! import reports.jsonl` puts the files of `reports.evidence/` (checked against their names)
//! into the store before the reports that list them are written.

use crate::domain::Db;
use crate::domain::evidence::blobs::{self, Fetched};
use crate::domain::report::ReportDocument;
use crate::domain::{FieldError, UserErrorCode};
use crate::error::AppError;
use futures_util::StreamExt;
use std::path::{Path, PathBuf};
use tokio::io::AsyncWriteExt;

/// The evidence folder beside an export or import file: `reports.jsonl` → `reports.evidence`.
pub fn beside(path: &Path) -> PathBuf {
    path.with_extension("evidence")
}

/// Writes the file of every evidence entry of `documents` into `dir` (created when there is
/// any), each as its SHA-256; returns how many files it wrote.
pub async fn write_files<'a>(
    db: &Db,
    documents: impl Iterator<Item = &'a ReportDocument>,
    dir: &Path,
) -> Result<usize, AppError> {
    let mut written = 0;
    for doc in documents {
        for e in &doc.evidence {
            if !blobs::is_sha256(&e.sha256) {
                continue;
            }
            let path = dir.join(&e.sha256);
            if path.exists() {
                continue;
            }
            std::fs::create_dir_all(dir).map_err(|err| {
                AppError::BadUserInput(format!("无法创建证据目录 {}：{err}", dir.display()))
            })?;
            let Fetched::Found { mut stream, .. } =
                db.evidence()?.blobs.get(&e.sha256, None).await?
            else {
                return Err(AppError::unavailable(format!(
                    "evidence blob {} of “{}” is missing from the store",
                    e.sha256, e.file_name
                )));
            };
            let partial = dir.join(format!("{}.partial", e.sha256));
            let mut file = tokio::fs::File::create(&partial)
                .await
                .map_err(AppError::internal)?;
            while let Some(chunk) = stream.next().await {
                file.write_all(&chunk.map_err(AppError::unavailable)?)
                    .await
                    .map_err(AppError::internal)?;
            }
            file.flush().await.map_err(AppError::internal)?;
            tokio::fs::rename(&partial, &path)
                .await
                .map_err(AppError::internal)?;
            written += 1;
        }
    }
    Ok(written)
}

/// Puts the files `doc`'s evidence lists into the store from `dir`, unless the store has them;
/// the errors of the entries whose file is missing or is not what its name says.
pub async fn read_files(
    db: &Db,
    doc: &ReportDocument,
    dir: Option<&Path>,
) -> Result<Vec<FieldError>, AppError> {
    let mut errors = Vec::new();
    if doc.evidence.is_empty() {
        return Ok(errors);
    }
    let evidence = db.evidence()?;
    for (i, e) in doc.evidence.iter().enumerate() {
        let field = format!("evidence.{i}");
        if !blobs::is_sha256(&e.sha256) {
            errors.push(FieldError::new(
                &field,
                UserErrorCode::Invalid,
                "sha256 须为 64 位小写十六进制",
            ));
            continue;
        }
        if evidence.blobs.exists(&e.sha256).await? {
            continue;
        }
        let Some(path) = dir.map(|d| d.join(&e.sha256)).filter(|p| p.is_file()) else {
            errors.push(FieldError::new(
                &field,
                UserErrorCode::NotFound,
                format!(
                    "佐证材料“{}”的文件 {} 不在证据目录{}中",
                    e.file_name,
                    e.sha256,
                    dir.map(|d| format!(" {}", d.display())).unwrap_or_default()
                ),
            ));
            continue;
        };
        let file = std::fs::File::open(&path).map_err(AppError::internal)?;
        let size = file.metadata().map_err(AppError::internal)?.len();
        if size > evidence.limits.max_file_bytes {
            errors.push(FieldError::new(
                &field,
                UserErrorCode::AttachmentTooLarge,
                format!("文件 {} 超过单个佐证材料上限", path.display()),
            ));
            continue;
        }
        let found = hash(&path).await?;
        if found != e.sha256 {
            errors.push(FieldError::new(
                &field,
                UserErrorCode::DigestMismatch,
                format!(
                    "文件 {} 的 SHA-256 为 {found}，与记录不符（文件已被改动）",
                    path.display()
                ),
            ));
            continue;
        }
        evidence.blobs.put_file(&file, &e.sha256, size).await?;
    }
    Ok(errors)
}

/// The SHA-256 of a file, off the async threads.
async fn hash(path: &Path) -> Result<String, AppError> {
    let path = path.to_owned();
    tokio::task::spawn_blocking(move || {
        use sha2::{Digest, Sha256};
        use std::io::Read;
        let mut file = std::fs::File::open(&path)?;
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 256 * 1024];
        loop {
            let n = file.read(&mut buf)?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
        }
        Ok::<_, std::io::Error>(blobs::hex(&hasher.finalize()))
    })
    .await
    .map_err(AppError::internal)?
    .map_err(AppError::internal)
}
