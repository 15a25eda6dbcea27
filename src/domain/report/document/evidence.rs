//! Evidence (佐证材料) as content: each attached file in the canonical document, and the rule
//! that a content write keeps the stored evidence on anchors that still exist.

use super::ReportDocument;
use crate::domain::{FieldError, UserErrorCode};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// An attached evidence file, as content: where it is anchored, and what the file is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EvidenceDoc {
    /// Row id (not content).
    #[serde(skip)]
    pub id: Option<Uuid>,
    /// The anchored indicator's row id (not content: `path` names it by position).
    #[serde(skip)]
    pub indicator_id: Option<Uuid>,
    /// Anchor kind: `REPORT`, `SECTION`, `INDICATOR`, `FINANCE_CELL` or `FIELD`.
    pub target: entity::CommentTargetKind,
    /// SECTION: the section key; INDICATOR: `indicators.N` (its position); FINANCE_CELL and
    /// FIELD: the path; REPORT: null.
    pub path: Option<String>,
    /// File name as uploaded.
    pub file_name: String,
    /// Media type sniffed from the content.
    pub media_type: String,
    /// Bytes.
    pub size: i64,
    /// SHA-256 of the content, lowercase hex.
    pub sha256: String,
    /// What the file shows.
    pub description: Option<String>,
}

impl ReportDocument {
    /// Takes `stored` as this document's evidence (a content write never changes evidence),
    /// naming each indicator anchor by its indicator's position now; refused with
    /// ATTACHMENT_ANCHORED when the write removes an indicator, section or finance unit that
    /// evidence is attached to.
    pub fn keep_evidence(&mut self, stored: &[EvidenceDoc]) -> Result<(), Vec<FieldError>> {
        use entity::CommentTargetKind as T;
        let mut errors = Vec::new();
        let mut kept = Vec::with_capacity(stored.len());
        for e in stored {
            let mut e = e.clone();
            let anchored = match e.target {
                T::Indicator => {
                    let at = self
                        .indicators
                        .iter()
                        .position(|i| i.id.is_some() && i.id == e.indicator_id);
                    e.path = at.map(|n| format!("indicators.{n}"));
                    at.is_some()
                }
                T::Section => self
                    .sections
                    .iter()
                    .any(|s| Some(s.key.as_str()) == e.path.as_deref()),
                T::FinanceCell => {
                    match e.path.as_deref().and_then(|p| p.strip_prefix("finance.")) {
                        Some(rest) if rest.starts_with("summary.") => true,
                        Some(rest) => rest
                            .strip_prefix("units.")
                            .and_then(|r| r.split('.').next())
                            .and_then(|n| n.parse::<usize>().ok())
                            .is_some_and(|n| n < self.finance.units.len()),
                        None => false,
                    }
                }
                T::Report | T::Field => true,
            };
            if !anchored {
                errors.push(FieldError::new(
                    "evidence",
                    UserErrorCode::AttachmentAnchored,
                    format!(
                        "佐证材料“{}”所附的{}将被删除：请先移除该佐证材料（detachEvidence），再修改",
                        e.file_name,
                        match e.target {
                            T::Indicator => "指标",
                            T::Section => "章节",
                            _ => "收支表单位",
                        }
                    ),
                ));
            }
            kept.push(e);
        }
        self.evidence = kept;
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}
