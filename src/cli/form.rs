//! `jixiao import-form FILE… --department CODE`: official forms read as drafts (`forms::read`),
//! written as JSON Lines in the shape `jixiao import` reads (`{"externalId", "document"}`, the
//! external id made from the file name), with every unplaced fragment and warning on standard
//! error by file and place. Nothing is written to the database: check the drafts, then import
//! them.

use crate::error::AppError;
use crate::forms::read::{self, Given, file::MAX_FILE_BYTES};
use std::io::{Read, Write};
use std::path::Path;

/// What `import-form` read.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct FormSummary {
    /// Drafts written.
    pub drafts: usize,
    /// Unplaced fragments and warnings reported.
    pub notes: usize,
    /// Files that could not be read.
    pub failed: usize,
}

/// The external id of the `i`-th of `n` drafts of `path`: the file's stem (e.g.
/// `云溪区科工局2019年自评报告`), with `-2`, `-3`… when a file holds several reports.
fn external_id(path: &Path, i: usize, n: usize) -> String {
    let stem: String = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control())
        .take(100)
        .collect();
    let stem = if stem.trim().is_empty() {
        "form".to_owned()
    } else {
        stem
    };
    if n > 1 {
        format!("{stem}-{}", i + 1)
    } else {
        stem
    }
}

/// Reads `files` as drafts for `department` into `out`; notes go to `notes`.
pub fn import_form(
    files: &[std::path::PathBuf],
    department: &str,
    out: &mut dyn Write,
    notes: &mut dyn Write,
) -> Result<FormSummary, AppError> {
    let given = Given {
        department_code: department.to_owned(),
    };
    let mut summary = FormSummary::default();
    let io = |e: std::io::Error| AppError::internal(e);
    for path in files {
        let name = path.display();
        let mut bytes = Vec::new();
        let read = std::fs::File::open(path)
            .and_then(|f| f.take(MAX_FILE_BYTES as u64 + 1).read_to_end(&mut bytes));
        let drafts = match read {
            Err(e) => Err(format!("无法打开：{e}")),
            Ok(_) => read::read(&bytes, &given).map_err(|e| format!("{}（{}）", e.message, e.code)),
        };
        let drafts = match drafts {
            Ok(d) => d,
            Err(why) => {
                writeln!(notes, "{name}：{why}").map_err(io)?;
                summary.failed += 1;
                continue;
            }
        };
        writeln!(notes, "{name}：读出 {} 份草稿", drafts.len()).map_err(io)?;
        for (i, draft) in drafts.iter().enumerate() {
            let id = external_id(path, i, drafts.len());
            let line = serde_json::json!({ "externalId": id, "document": draft.document });
            serde_json::to_writer(&mut *out, &line).map_err(AppError::internal)?;
            writeln!(out).map_err(io)?;
            summary.drafts += 1;
            if draft.warnings.is_empty() && draft.unplaced.is_empty() {
                continue;
            }
            writeln!(
                notes,
                "  {id}：提示 {} 条，未放置的文字 {} 处",
                draft.warnings.len(),
                draft.unplaced.len()
            )
            .map_err(io)?;
            for w in &draft.warnings {
                writeln!(notes, "    [{}] {}：{}", w.code, w.at, w.message).map_err(io)?;
            }
            for f in &draft.unplaced {
                let text: String = f.text.chars().take(60).collect();
                let more = if f.text.chars().count() > 60 {
                    "…"
                } else {
                    ""
                };
                writeln!(notes, "    [UNPLACED] {}：{text}{more}", f.at).map_err(io)?;
            }
            summary.notes += draft.warnings.len() + draft.unplaced.len();
        }
    }
    Ok(summary)
}
