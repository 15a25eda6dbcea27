//! `jixiao verify BUNDLE`: a report's signature bundle checked offline, with no database and no
//! trust in the service — its content against its digest, and each signature with the signer's
//! public key. One line per check; exit status 1 if the content or any signature fails.

use crate::domain::workflow::bundle::{self, Bundle, Finding};
use crate::error::AppError;
use std::io::Write;
use std::path::Path;

/// Largest bundle read, in bytes.
const MAX_BUNDLE: u64 = 64 * 1024 * 1024;

/// Reads and checks the bundle at `path`; prints what it found.
pub fn run(path: &Path) -> Result<(), AppError> {
    let bad = |e: &dyn std::fmt::Display| {
        AppError::BadUserInput(format!("{} 不是签名包：{e}", path.display()))
    };
    let size = std::fs::metadata(path).map_err(|e| bad(&e))?.len();
    if size > MAX_BUNDLE {
        return Err(bad(&format!("超过 {MAX_BUNDLE} 字节")));
    }
    let bytes = std::fs::read(path).map_err(|e| bad(&e))?;
    let b: Bundle = serde_json::from_slice(&bytes).map_err(|e| bad(&e))?;
    if b.format != bundle::FORMAT {
        return Err(bad(&format!("格式 {} 不是 {}", b.format, bundle::FORMAT)));
    }
    let (content_ok, findings) = bundle::verify(&b);
    let mut out = std::io::stdout().lock();
    let mut failed = !content_ok;
    let line = if content_ok {
        format!("内容：成立（SHA-256 {}）", b.content_digest)
    } else {
        format!(
            "内容：不成立（内容与摘要 {} 不符：报告内容被改动过）",
            b.content_digest
        )
    };
    writeln!(out, "{line}").map_err(AppError::internal)?;
    let mut keys = 0;
    for (s, f) in b.signatures.iter().zip(&findings) {
        let who = format!(
            "签名 {}（{}，{} {}）",
            s.ordinal,
            s.role.as_str(),
            s.signer_name,
            s.signer_subject
        );
        let text = match f {
            Finding::KeyValid => {
                keys += 1;
                format!(
                    "{who}：成立（{} 密钥，指纹 {}）",
                    s.algorithm.map_or("", |a| a.as_str()),
                    s.key_fingerprint.as_deref().unwrap_or("")
                )
            }
            Finding::ServerRecorded => {
                format!("{who}：服务器记录的签名，记录与内容一致，但不能证明签名者本人所签")
            }
            Finding::Invalid(why) => {
                failed = true;
                format!("{who}：不成立——{why}")
            }
        };
        writeln!(out, "{text}").map_err(AppError::internal)?;
    }
    writeln!(
        out,
        "共 {} 个签名，其中 {keys} 个以签名者密钥核验成立",
        b.signatures.len()
    )
    .map_err(AppError::internal)?;
    if failed {
        Err(AppError::BadUserInput("签名包核验未通过，见上文".into()))
    } else {
        Ok(())
    }
}
