//! What a handed-in file is: its name made safe, its size against the limit, its media type
//! sniffed and checked against the allow-list and against what the client claimed, and its
//! SHA-256; before anything is written.

use super::{Examined, Incoming, Limits, blobs, refused, sniff};
use crate::domain::{FieldError, Outcome, UserErrorCode};
use crate::error::AppError;

/// Examines `incoming` (off the async threads: it reads the whole file once to hash it).
pub async fn examine(
    limits: &Limits,
    incoming: Incoming,
) -> Result<Outcome<(Examined, std::fs::File)>, AppError> {
    let limits = limits.clone();
    tokio::task::spawn_blocking(move || examine_now(&limits, incoming))
        .await
        .map_err(AppError::internal)?
}

fn examine_now(
    limits: &Limits,
    incoming: Incoming,
) -> Result<Outcome<(Examined, std::fs::File)>, AppError> {
    use sha2::{Digest, Sha256};
    use std::io::{Read, Seek};
    let Incoming {
        mut file,
        name,
        declared,
    } = incoming;
    let file_name = match sniff::file_name(&name) {
        Ok(n) => n,
        Err(sniff::BadName::Control) => {
            return Ok(Err(vec![FieldError::new(
                "file.name",
                UserErrorCode::Invalid,
                "文件名含控制字符或双向文字控制符，请改名后重新上传",
            )]));
        }
        Err(sniff::BadName::Empty) => {
            return Ok(Err(vec![FieldError::new(
                "file.name",
                UserErrorCode::Required,
                "文件须有文件名（如 验收单.pdf）",
            )]));
        }
        Err(sniff::BadName::TooLong) => {
            return Ok(Err(vec![FieldError::new(
                "file.name",
                UserErrorCode::TooLong,
                format!(
                    "文件名最多 {} 个字符，请改短后重新上传",
                    sniff::MAX_FILE_NAME
                ),
            )]));
        }
    };
    let size = file.metadata().map_err(AppError::internal)?.len();
    if size > limits.max_file_bytes {
        return Ok(refused(
            UserErrorCode::AttachmentTooLarge,
            format!(
                "文件 {size} 字节，超过单个佐证材料上限 {} 字节；请压缩或拆分后上传",
                limits.max_file_bytes
            ),
        ));
    }
    if size == 0 {
        return Ok(refused(UserErrorCode::Required, "文件为空"));
    }
    let media_type = sniff::sniff(&mut file, size).map_err(AppError::internal)?;
    let Some(media_type) = media_type.filter(|t| limits.allowed.iter().any(|a| a == t)) else {
        return Ok(refused(
            UserErrorCode::AttachmentTypeNotAllowed,
            format!(
                "文件内容不是可接受的佐证材料格式（可接受：{}）",
                names_of(&limits.allowed)
            ),
        ));
    };
    let claimed = sniff::declared(declared.as_deref());
    if let Some(claimed) = claimed.filter(|c| c != media_type) {
        return Ok(refused(
            UserErrorCode::AttachmentTypeMismatch,
            format!("文件声明为 {claimed}，但内容是 {media_type}；请核对文件后重新上传"),
        ));
    }
    if let Some(by_name) = sniff::by_extension(&file_name).filter(|t| *t != media_type) {
        return Ok(refused(
            UserErrorCode::AttachmentTypeMismatch,
            format!(
                "文件名“{file_name}”表明是 {by_name}，但内容是 {media_type}；请核对文件后重新上传"
            ),
        ));
    }
    file.rewind().map_err(AppError::internal)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = file.read(&mut buf).map_err(AppError::internal)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(Ok((
        Examined {
            sha256: blobs::hex(&hasher.finalize()),
            size,
            media_type,
            file_name,
        },
        file,
    )))
}

/// The allow-list as an official reads it.
fn names_of(allowed: &[String]) -> String {
    allowed
        .iter()
        .map(|t| {
            sniff::KNOWN
                .iter()
                .find(|(k, _)| k == t)
                .map_or(t.clone(), |(_, exts)| exts[0].to_ascii_uppercase())
        })
        .collect::<Vec<_>>()
        .join("、")
}
