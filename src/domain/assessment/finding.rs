//! A reviewer's finding: a coded check result with severity, path, message, expected and actual.

use super::profile::{Rules, Severity};

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Stable code, e.g. `INCOME_TOTAL_MISMATCH`.
    pub code: &'static str,
    /// Severity (from the profile).
    pub severity: Severity,
    /// Where, e.g. `finance.units[0].income.total`.
    pub path: String,
    /// What is wrong, in Chinese.
    pub message: String,
    /// The value the check expected.
    pub expected: Option<String>,
    /// The value found.
    pub actual: Option<String>,
}

/// Collects findings with the profile's severities.
pub struct Findings<'a> {
    rules: &'a Rules,
    /// The findings so far.
    pub list: Vec<Finding>,
}

impl<'a> Findings<'a> {
    /// An empty collection under `rules`.
    pub fn new(rules: &'a Rules) -> Self {
        Self {
            rules,
            list: Vec::new(),
        }
    }

    /// Adds a finding; its severity is the profile's for `code`, else `default`.
    pub fn add(
        &mut self,
        code: &'static str,
        default: Severity,
        path: impl Into<String>,
        message: impl Into<String>,
        expected: Option<String>,
        actual: Option<String>,
    ) {
        self.list.push(Finding {
            code,
            severity: self.rules.severity(code, default),
            path: path.into(),
            message: message.into(),
            expected,
            actual,
        });
    }
}
