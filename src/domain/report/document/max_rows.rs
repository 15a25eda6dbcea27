//! Most rows in each list of a report (see the module's declaration).

/// 年度主要工作内容.
pub const TASKS: usize = 100;
/// Finance units (收支单位).
pub const UNITS: usize = 100;
/// Funding lines (one per kind).
pub const FUNDING: usize = 10;
/// Qualitative goals.
pub const GOALS: usize = 50;
/// Indicators.
pub const INDICATORS: usize = 100;
/// Evaluators.
pub const EVALUATORS: usize = 30;
/// Opinions (one per kind).
pub const OPINIONS: usize = 10;
/// Narrative sections.
pub const SECTIONS: usize = 50;
/// Signatures on one report (several per evaluator over rounds of returns).
pub const SIGNATURES: usize = 100;
/// Evidence files attached to one report (the ceiling of `JIXIAO_EVIDENCE_MAX_FILES`).
pub const ATTACHMENTS: usize = 100;
