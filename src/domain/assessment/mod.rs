//! Assessment and validation: reading indicator values, scoring under a profile, and the
//! reviewer's checks (docs/domain.md §4–6). Pure functions of a report document and a profile;
//! the use cases at the bottom load both.

pub mod finding;
pub mod parse;
pub mod profile;
pub mod review;
pub mod score;
pub mod service;
pub mod validate;

use crate::domain::Db;
use crate::domain::report::ReportDocument;
use crate::error::AppError;
use finding::{Finding, Findings};
use profile::{Profile, Rules};
use score::Assessment;

/// The assessment of a document and every finding about it, most severe first.
pub fn review(doc: &ReportDocument, rules: &Rules) -> (Assessment, Vec<Finding>) {
    let assessment = score::assess(doc, rules);
    let mut out = Findings::new(rules);
    validate::check(doc, rules, &mut out);
    review::check(doc, rules, &assessment, &mut out);
    let mut findings = out.list;
    findings.sort_by_key(|f| f.severity);
    (assessment, findings)
}

/// The profile for a document: by its department's region and its fiscal year.
pub async fn profile_for(db: &Db, doc: &ReportDocument) -> Result<Profile, AppError> {
    let region = crate::domain::department::by_code(db, &doc.department_code)
        .await?
        .and_then(|d| d.region);
    profile::for_report(db, region.as_deref(), doc.fiscal_year).await
}
