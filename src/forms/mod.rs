//! The official forms as files: a report as the workbook its readers print, stamp and publish
//! (`GET /reports/{id}/form.xlsx`). The layouts follow the paper forms: 项目支出绩效自评表 for
//! PROJECT reports, 部门整体支出绩效自评报告 (in the order of the reference report) for
//! DEPARTMENT_OVERALL. Reading forms back in is not built yet (README, Official forms).

pub mod docx;
pub mod layout;
pub mod pdf;
pub mod read;
#[cfg(test)]
mod tests;
mod xlsx;

use crate::domain::report::ReportDocument;
use crate::error::AppError;
use chrono::{DateTime, Utc};

/// A report as a form prints it: its document and what identifies the record.
pub struct FormReport<'a> {
    /// The document (phone numbers already removed for callers who may not see them).
    pub document: &'a ReportDocument,
    /// The report's version.
    pub version: i32,
    /// The report's content digest, printed in the footer so a paper copy can be matched.
    pub content_digest: &'a str,
    /// Signatures given, for the evaluators' table.
    pub signatures: Vec<Signed>,
}

/// A signature as the form shows it.
pub struct Signed {
    /// The signer's identity-provider subject.
    pub subject: String,
    /// When.
    pub at: DateTime<Utc>,
    /// The content digest it was given over (a later change of content shows).
    pub content_digest: String,
}

impl<'a> FormReport<'a> {
    /// The form of a report read for printing.
    pub fn of(p: &'a crate::domain::report::query::Printable) -> Self {
        Self {
            document: &p.document,
            version: p.row.version,
            content_digest: &p.row.content_digest,
            signatures: p
                .signatures
                .iter()
                .map(|s| Signed {
                    subject: s.signer_subject.clone(),
                    at: s.signed_at,
                    content_digest: s.content_digest.clone(),
                })
                .collect(),
        }
    }
}

/// The files offered besides the workbook (for `Report.downloads`).
#[derive(Clone, Copy, Debug, Default)]
pub struct Offered {
    /// A PDF converter is configured.
    pub pdf: bool,
}

/// Media type of a PDF.
pub const PDF: &str = "application/pdf";

/// Media type of a workbook.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The workbook of `reports`, one sheet per report.
pub fn workbook(reports: &[FormReport<'_>]) -> Result<Vec<u8>, AppError> {
    xlsx::workbook(reports).map_err(|e| AppError::internal(format!("workbook: {e}")))
}

/// The file name of a report's form: unit (or project), year and form, e.g.
/// `岳阳市云溪区科技和工业信息化局-2019-部门整体支出绩效自评报告.xlsx`.
pub fn file_name(row: &entity::report::Model, extension: &str) -> String {
    let name = row
        .project_name
        .as_deref()
        .filter(|_| row.kind == entity::ReportKind::Project)
        .unwrap_or(&row.unit_name);
    let name: String = name
        .chars()
        .filter(|c| {
            !c.is_control() && !matches!(c, '/' | '\\' | '"' | ':' | '*' | '?' | '<' | '>' | '|')
        })
        .take(80)
        .collect();
    let name = if name.trim().is_empty() {
        "报告".to_owned()
    } else {
        name
    };
    let form = crate::domain::report::labels::form(row.kind);
    format!("{name}-{}-{form}.{extension}", row.fiscal_year)
}
