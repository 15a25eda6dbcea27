//! A form as a page of paragraphs and tables, independent of the file format: the Word writer
//! renders it, and what a reader takes back from a Word file has the same shape
//! ([`super::read::Block`]). The layouts follow the paper forms: 部门整体支出绩效自评报告 in
//! the order and table shapes of the reference report ([`overall`]), 项目支出绩效自评表 in the
//! national table layout, the same grid as the workbook's sheet ([`project`]).

use super::FormReport;
use crate::domain::report::document::ReportDocument;
use crate::domain::report::labels;
use entity::{AmountUnit, ReportKind};
use rust_decimal::Decimal;

mod overall;
mod project;

/// One piece of a page.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// The form's title, centred in the title font.
    Title(String),
    /// A centred line under the title.
    Subtitle(String),
    /// A heading in the heading font.
    Heading(String),
    /// Body text; each line is a paragraph.
    Text(String),
    /// A table.
    Table(Grid),
}

/// A table: relative column widths and rows of cells on that grid.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Grid {
    /// Relative width of each grid column.
    pub widths: Vec<u32>,
    /// Rows; the spans of each row add up to the number of columns.
    pub rows: Vec<Vec<GridCell>>,
}

/// A cell of a [`Grid`].
#[derive(Debug, Clone, PartialEq)]
pub struct GridCell {
    /// Text; each line is a paragraph of the cell.
    pub text: String,
    /// Grid columns covered.
    pub span: usize,
    /// Vertical merge with the cells below or above.
    pub merge: Merge,
    /// A printed label of the form (bold, centred), not a filed value.
    pub head: bool,
    /// The figure, where the cell is one (a workbook writes it as a number).
    pub number: Option<Decimal>,
    /// Where the form sums: the cells this one is the sum of (a workbook writes a formula).
    pub sum: Option<Sum>,
}

/// Cells a figure sums, by grid position in the same [`Grid`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sum {
    /// These grid columns of the cell's own row.
    Row(Vec<usize>),
    /// The cell's own grid column over these rows (inclusive).
    Column(usize, usize),
}

/// Vertical merging of a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Merge {
    /// Not merged.
    No,
    /// First cell of a vertical merge.
    Start,
    /// Continues the cell above.
    Continue,
}

impl GridCell {
    /// A filed value.
    pub fn value(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            span: 1,
            merge: Merge::No,
            head: false,
            number: None,
            sum: None,
        }
    }

    /// A filed figure (blank when not filed).
    pub fn figure(v: Option<Decimal>) -> Self {
        Self {
            number: v,
            ..Self::value(figure(v))
        }
    }

    /// The same figure, written as the sum `sum` where it equals the sum of `parts` (a filed
    /// figure that differs is kept as filed; a blank stays blank).
    pub fn summing(mut self, parts: &[Option<Decimal>], sum: Sum) -> Self {
        let total = parts
            .iter()
            .flatten()
            .try_fold(Decimal::ZERO, |a, b| a.checked_add(*b));
        if self.number.is_some() && parts.iter().any(Option::is_some) && total == self.number {
            self.sum = Some(sum);
        }
        self
    }

    /// A printed label.
    pub fn label(text: impl Into<String>) -> Self {
        Self {
            head: true,
            ..Self::value(text)
        }
    }

    /// A cell continuing the merged cell above.
    pub fn below() -> Self {
        Self {
            merge: Merge::Continue,
            ..Self::value("")
        }
    }

    /// Over `n` grid columns.
    pub fn across(mut self, n: usize) -> Self {
        self.span = n.max(1);
        self
    }

    /// Starting a vertical merge (when `rows` > 1).
    pub fn down(mut self, rows: usize) -> Self {
        if rows > 1 {
            self.merge = Merge::Start;
        }
        self
    }
}

/// The page of a report's form, with the list of its evidence at the end when it has any.
pub fn page(report: &FormReport<'_>) -> Vec<Item> {
    let mut page = match report.document.kind.0 {
        ReportKind::DepartmentOverall => overall::page(report),
        ReportKind::Project => project::page(report),
    };
    if let Some(list) = evidence(report.document) {
        page.push(Item::Table(list));
    }
    page
}

/// 附：佐证材料清单 — each evidence file with where it is attached, what it shows and the start
/// of its SHA-256 (enough to match a file to the list); none without evidence.
pub fn evidence(d: &ReportDocument) -> Option<Grid> {
    use entity::CommentTargetKind as T;
    if d.evidence.is_empty() {
        return None;
    }
    let mut rows = vec![
        vec![GridCell::label("附：佐证材料清单").across(5)],
        ["序号", "文件名", "所附位置", "说明", "SHA-256（前 16 位）"]
            .into_iter()
            .map(GridCell::label)
            .collect(),
    ];
    for (i, e) in d.evidence.iter().enumerate() {
        let path = e.path.as_deref().unwrap_or("");
        let place = match e.target {
            T::Report => "整份报告".to_owned(),
            T::Indicator => {
                let n = path
                    .strip_prefix("indicators.")
                    .and_then(|n| n.parse::<usize>().ok());
                let name = n
                    .and_then(|n| d.indicators.get(n))
                    .and_then(|i| i.name.clone())
                    .unwrap_or_default();
                format!("指标 {}：{name}", n.map_or(0, |n| n + 1))
            }
            T::Section => format!("章节 {path}"),
            T::FinanceCell => format!("收支表 {path}"),
            T::Field => format!("字段 {path}"),
        };
        rows.push(vec![
            GridCell::value((i + 1).to_string()),
            GridCell::value(e.file_name.clone()),
            GridCell::value(place),
            GridCell::value(e.description.clone().unwrap_or_default()),
            GridCell::value(e.sha256.chars().take(16).collect::<String>()),
        ]);
    }
    Some(Grid {
        widths: vec![1, 5, 4, 5, 3],
        rows,
    })
}

/// The form's title: as filed, or made of unit, year and form.
pub fn title(d: &ReportDocument) -> String {
    d.title.clone().unwrap_or_else(|| {
        format!(
            "{}{}年度{}",
            d.unit_name,
            d.fiscal_year,
            labels::form(d.kind.0)
        )
    })
}

/// The unit amounts are written in, as a heading says it.
pub fn amount_label(unit: AmountUnit) -> &'static str {
    match unit {
        AmountUnit::Yuan => "元",
        AmountUnit::WanYuan => "万元",
    }
}

/// The funding block's rows: the national form's four, then 基本支出 / 项目支出 where filed.
pub fn funding_kinds(d: &ReportDocument) -> Vec<entity::FundingLineKind> {
    use entity::FundingLineKind as K;
    let mut kinds = vec![
        K::Total,
        K::CurrentAppropriation,
        K::PriorCarryover,
        K::Other,
    ];
    for extra in [K::BasicExpenditure, K::ProjectExpenditure] {
        if d.funding.iter().any(|l| l.line == extra) {
            kinds.push(extra);
        }
    }
    kinds
}

/// The header of the national 项目支出 indicator table, one label per column (the Word form and
/// the workbook print it; the reader matches it).
pub const PROJECT_INDICATOR_HEADER: [&str; 8] = [
    "一级指标",
    "二级指标",
    "三级指标",
    "年度指标值",
    "实际完成值",
    "分值",
    "得分",
    "偏差原因分析及改进措施",
];

/// Where 改进措施 begins in the national form's one column 偏差原因分析及改进措施.
pub const MEASURES: &str = "改进措施：";

/// 偏差原因分析及改进措施 in one cell: the reason, then the measures after [`MEASURES`] on a line
/// of their own (so that either may be missing or hold line breaks and still read back).
pub fn reason_and_measures(d: &crate::domain::report::document::IndicatorDoc) -> String {
    match (&d.deviation_reason, &d.improvement_measures) {
        (Some(r), Some(m)) => format!("{r}\n{MEASURES}{m}"),
        (Some(r), None) => r.clone(),
        (None, Some(m)) => format!("{MEASURES}{m}"),
        (None, None) => String::new(),
    }
}

/// An amount or score as printed: as written (the decimals the unit filed), blank when not
/// filed.
pub fn figure(v: Option<Decimal>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// A date as the forms print it, `2020年7月11日`.
pub fn date(d: Option<chrono::NaiveDate>) -> Option<String> {
    d.map(|x| x.format("%Y年%-m月%-d日").to_string())
}

/// How the form shows an evaluator's signature.
pub fn signature_of(report: &FormReport<'_>, subject: Option<&str>) -> String {
    let Some(s) = subject.and_then(|who| report.signatures.iter().rev().find(|s| s.subject == who))
    else {
        return "未签署".to_owned();
    };
    let date = s.at.format("%Y-%m-%d");
    if s.content_digest == report.content_digest {
        format!("已签署（{date}）")
    } else {
        format!("已签署（{date}），其后内容有变更")
    }
}
