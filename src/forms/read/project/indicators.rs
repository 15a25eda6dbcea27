//! The indicator table: 一级指标 / 二级指标 / 三级指标, 年度指标值 and 实际完成值 (whole, or split
//! over 符号 / 值 / 单位 columns in any order), 分值, 得分, 偏差原因分析及改进措施.

use super::grid::{Columns, Row, Slot, figure};
use super::{Form, Mode};
use crate::domain::report::document::{IndicatorDoc, ValueDoc};
use crate::domain::report::labels;
use crate::forms::read::{Location, Warning};
use entity::{IndicatorCategory as Cat, IndicatorSubcategory as Sub};
use sea_orm::Iterable;

/// Part of a target or an actual split over columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Part {
    /// ≥, ≤, =, ….
    Symbol,
    /// The value (or the whole text).
    Value,
    /// The unit.
    Unit,
}

/// Target or actual.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Side {
    /// 年度指标值.
    Target,
    /// 实际完成值.
    Actual,
}

/// A column of the indicator table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Col {
    /// 一级指标.
    Category,
    /// 二级指标.
    Subcategory,
    /// 三级指标.
    Name,
    /// 年度指标值 or 实际完成值, or a part of one.
    Value(Side, Part),
    /// 分值.
    Weight,
    /// 得分.
    Score,
    /// 偏差原因分析.
    Reason,
    /// 改进措施.
    Measures,
    /// 偏差原因分析及改进措施 in one column.
    ReasonAndMeasures,
}

/// The indicator table being read.
#[derive(Default)]
pub(super) struct State {
    /// Columns, from the header (and the row of parts below it).
    cols: Columns<Col>,
    /// The header's cells `(first column, span, key)`, for a row of parts below it.
    header: Vec<(usize, usize, String)>,
    /// The 一级 and 二级 in force (merged cells continue them), where they were read.
    category: Option<Cat>,
    subcategory: Option<Sub>,
}

impl State {
    /// The grid column of 得分.
    pub(super) fn score_column(&self) -> Option<usize> {
        self.column(Col::Score)
    }

    /// The grid column of 分值.
    pub(super) fn weight_column(&self) -> Option<usize> {
        self.column(Col::Weight)
    }

    fn column(&self, col: Col) -> Option<usize> {
        self.header
            .iter()
            .map(|(c, _, _)| *c)
            .find(|c| self.cols.at(*c) == Some(col))
    }
}

/// The indicator header: a cell 一级指标, 二级指标 or 三级指标.
pub(super) fn is_header(row: &Row<'_>) -> bool {
    row.any(|k| {
        k.chars().count() <= 12
            && (k.contains("一级指标") || k.contains("二级指标") || k.contains("三级指标"))
    })
}

/// A row of parts below the header (符号 / 值 / 单位, 指标性质 / 计量单位 …).
pub(super) fn is_subheader(row: &Row<'_>) -> bool {
    row.texts().all(|s| {
        s.key.chars().count() <= 8
            && ["符号", "值", "单位", "性质", "计量", "度量"]
                .iter()
                .any(|w| s.key.contains(w))
    })
}

/// A header's column by its words; a part without its side (计量单位) takes the side of the
/// column before it.
fn classify(key: &str, before: Option<Side>) -> Option<Col> {
    let has = |words: &[&str]| words.iter().any(|w| key.contains(w));
    if key.chars().count() > 24 {
        return None;
    }
    if has(&["一级"]) {
        return Some(Col::Category);
    }
    if has(&["二级"]) {
        return Some(Col::Subcategory);
    }
    if has(&["三级", "指标名称", "指标内容"]) {
        return Some(Col::Name);
    }
    if has(&["偏差", "原因"]) {
        return Some(if has(&["措施", "改进"]) {
            Col::ReasonAndMeasures
        } else {
            Col::Reason
        });
    }
    if has(&["措施", "改进"]) {
        return Some(Col::Measures);
    }
    if has(&["得分"]) {
        return if has(&["系数"]) {
            None
        } else {
            Some(Col::Score)
        };
    }
    if has(&["分值", "权重"]) {
        return Some(Col::Weight);
    }
    let part = if has(&["符号", "性质", "比较", "运算"]) {
        Part::Symbol
    } else if has(&["单位"]) {
        Part::Unit
    } else {
        Part::Value
    };
    let side = if has(&["实际", "完成", "实现"]) {
        Some(Side::Actual)
    } else if has(&["目标", "指标值", "年度", "预期"]) {
        Some(Side::Target)
    } else if part != Part::Value || key == "值" || key == "指标值" {
        Some(before.unwrap_or(Side::Target))
    } else {
        None
    };
    side.map(|s| Col::Value(s, part))
}

/// Columns from header cells `(first, span, key)`, left to right.
fn columns(cells: &[(usize, usize, String)]) -> Columns<Col> {
    let mut before = None;
    Columns::new(cells.iter().filter_map(|(first, span, key)| {
        let col = classify(key, before)?;
        if let Col::Value(side, _) = col {
            before = Some(side);
        }
        Some((*first, *span, col))
    }))
}

/// 一级指标 by its label (exact, else by keyword).
fn category(key: &str) -> Option<Cat> {
    if let Some(c) = Cat::iter().find(|c| labels::category(*c) == key) {
        return Some(c);
    }
    let words = [
        ("产出", Cat::Output),
        ("满意", Cat::Satisfaction),
        ("效益", Cat::Outcome),
        ("效果", Cat::Outcome),
        ("预算执行", Cat::BudgetExecution),
        ("决策", Cat::Decision),
        ("过程", Cat::Process),
    ];
    let short = key.chars().count() <= 16;
    words
        .iter()
        .find(|(w, _)| short && key.contains(w))
        .map(|(_, c)| *c)
}

/// 二级指标 by its label (exact, else by keyword).
fn subcategory(key: &str) -> Option<Sub> {
    if let Some(s) = Sub::iter().find(|s| labels::subcategory(*s) == key) {
        return Some(s);
    }
    let words = [
        ("满意", Sub::Satisfaction),
        ("成本", Sub::Cost),
        ("数量", Sub::Quantity),
        ("质量", Sub::Quality),
        ("时效", Sub::Timeliness),
        ("经济", Sub::Economic),
        ("社会", Sub::Social),
        ("生态", Sub::Ecological),
        ("可持续", Sub::Sustainability),
        ("预算执行", Sub::BudgetExecution),
        ("立项", Sub::ProjectApproval),
        ("绩效目标", Sub::PerformanceGoals),
        ("资金投入", Sub::FundingInput),
        ("资金管理", Sub::FundingManagement),
        ("组织实施", Sub::Organisation),
    ];
    let short = key.chars().count() <= 20;
    words
        .iter()
        .find(|(w, _)| short && key.contains(w))
        .map(|(_, s)| *s)
}

/// The 一级 a 二级 belongs to.
fn parent(s: Sub) -> Cat {
    match s {
        Sub::Quantity | Sub::Quality | Sub::Timeliness | Sub::Cost => Cat::Output,
        Sub::Economic | Sub::Social | Sub::Ecological | Sub::Sustainability => Cat::Outcome,
        Sub::Satisfaction => Cat::Satisfaction,
        Sub::BudgetExecution => Cat::BudgetExecution,
        Sub::ProjectApproval | Sub::PerformanceGoals | Sub::FundingInput => Cat::Decision,
        Sub::FundingManagement | Sub::Organisation => Cat::Process,
    }
}

/// The 二级 a 一级 has when it has only one.
fn only_child(c: Cat) -> Option<Sub> {
    match c {
        Cat::Satisfaction => Some(Sub::Satisfaction),
        Cat::BudgetExecution => Some(Sub::BudgetExecution),
        Cat::Output | Cat::Outcome | Cat::Decision | Cat::Process => None,
    }
}

/// A unit as the form writes it (百分比 is %).
fn unit(text: &str) -> &str {
    match text {
        "百分比" | "百分率" | "百分数" => "%",
        other => other,
    }
}

/// The texts of a target or actual: its symbol, value and unit cells, joined as written.
#[derive(Default)]
struct Parts {
    symbol: String,
    value: String,
    unit: String,
    /// Cells read (symbol and unit count only beside a value).
    cells: Vec<usize>,
    extras: Vec<usize>,
}

impl Parts {
    fn add(&mut self, part: Part, slot: &Slot<'_>, i: usize) {
        if !slot.filled() {
            return;
        }
        let (text, into) = match part {
            Part::Symbol if matches!(slot.key.as_str(), "定性" | "定量") => return,
            Part::Symbol => (slot.text, &mut self.symbol),
            Part::Value => (slot.text, &mut self.value),
            Part::Unit => (unit(slot.text), &mut self.unit),
        };
        if part == Part::Value && !into.is_empty() {
            into.push('\n');
        }
        into.push_str(text);
        if part == Part::Value {
            self.cells.push(i);
        } else {
            self.extras.push(i);
        }
    }

    /// The value as written, when a value was written (a symbol or unit alone is nothing).
    fn text(&self) -> Option<String> {
        (!self.value.is_empty()).then(|| format!("{}{}{}", self.symbol, self.value, self.unit))
    }
}

impl Form {
    /// The indicator header: its columns; a row of parts may follow.
    pub(super) fn indicator_header(&mut self, row: &mut Row<'_>) {
        self.table.header = row
            .slots
            .iter()
            .map(|s| (s.col, s.cell.span, s.key.clone()))
            .collect();
        self.table.cols = columns(&self.table.header);
        self.table.category = None;
        self.table.subcategory = None;
        row.use_labels(|_| true);
        self.mode = Mode::IndicatorHeader;
    }

    /// The row of parts: each part takes its header's words with its own.
    pub(super) fn indicator_subheader(&mut self, row: &mut Row<'_>) {
        let header = std::mem::take(&mut self.table.header);
        let mut merged = Vec::new();
        let mut parts = row.texts().peekable();
        for (first, span, key) in header {
            let end = first.saturating_add(span.max(1));
            let mut split = false;
            while let Some(p) = parts.next_if(|p| p.col < end) {
                if p.col >= first {
                    merged.push((p.col, p.cell.span, format!("{key}{}", p.key)));
                    split = true;
                }
            }
            if !split {
                merged.push((first, span, key));
            }
        }
        drop(parts);
        self.table.cols = columns(&merged);
        self.table.header = merged;
        row.use_labels(|_| true);
        self.mode = Mode::Indicators;
    }

    /// An indicator row; a row with nothing but its group labels (a blank template row) is
    /// no indicator.
    pub(super) fn indicator(&mut self, row: &mut Row<'_>) {
        let cols: Vec<Option<Col>> = row
            .slots
            .iter()
            .map(|s| self.table.cols.at(s.col))
            .collect();
        for (s, col) in row.slots.iter_mut().zip(&cols) {
            if !s.filled() {
                continue;
            }
            match col {
                Some(Col::Category) => {
                    self.table.category = category(&s.key);
                    self.table.subcategory = None;
                    s.used = self.table.category.is_some();
                }
                Some(Col::Subcategory) => {
                    self.table.subcategory = subcategory(&s.key);
                    s.used = self.table.subcategory.is_some();
                }
                _ => {}
            }
        }
        let content = row.slots.iter().zip(&cols).any(|(s, c)| {
            s.filled()
                && !matches!(
                    c,
                    None | Some(Col::Category | Col::Subcategory | Col::Value(_, Part::Symbol))
                        | Some(Col::Value(_, Part::Unit))
                )
        });
        if !content {
            for (s, c) in row.slots.iter_mut().zip(&cols) {
                s.used |= matches!(c, Some(Col::Value(_, Part::Symbol | Part::Unit)));
            }
            return;
        }
        let sub = self
            .table
            .subcategory
            .or_else(|| self.table.category.and_then(only_child));
        let Some(sub) = sub else {
            let at = row
                .first_text()
                .map_or(Location::File, |s| s.cell.at.clone());
            self.warnings.push(Warning {
                at,
                code: "INDICATOR_GROUP_UNKNOWN",
                message: "无法确定该行指标所属的一级/二级指标，整行未读入，请手工录入".to_owned(),
            });
            return;
        };
        let category = self.table.category.unwrap_or(parent(sub));
        self.read_indicator(row, &cols, category, sub);
    }

    fn read_indicator(&mut self, row: &mut Row<'_>, cols: &[Option<Col>], cat: Cat, sub: Sub) {
        let mut ind = IndicatorDoc {
            id: None,
            category: cat,
            subcategory: sub,
            name: None,
            target: ValueDoc::default(),
            actual: None,
            weight: None,
            declared_score: None,
            deviation_reason: None,
            improvement_measures: None,
            core: false,
            score_coefficient: None,
        };
        let (mut target, mut actual) = (Parts::default(), Parts::default());
        for (i, (s, col)) in row.slots.iter_mut().zip(cols).enumerate() {
            let Some(col) = col else { continue };
            let text = || s.value();
            let taken = match col {
                Col::Category | Col::Subcategory => continue,
                Col::Name => put(&mut ind.name, text()),
                Col::Value(Side::Target, part) => {
                    target.add(*part, s, i);
                    continue;
                }
                Col::Value(Side::Actual, part) => {
                    actual.add(*part, s, i);
                    continue;
                }
                Col::Weight => fill(&mut ind.weight, || figure(s, &mut self.warnings)),
                Col::Score => fill(&mut ind.declared_score, || figure(s, &mut self.warnings)),
                Col::Reason => put(&mut ind.deviation_reason, text()),
                Col::Measures => put(&mut ind.improvement_measures, text()),
                Col::ReasonAndMeasures => {
                    let (reason, measures) = split_reason(s.value());
                    put(&mut ind.deviation_reason, reason) && {
                        ind.improvement_measures = ind.improvement_measures.take().or(measures);
                        true
                    }
                }
            };
            s.used |= taken || !s.filled();
        }
        for (parts, side) in [(&target, Side::Target), (&actual, Side::Actual)] {
            let Some(text) = parts.text() else { continue };
            for i in parts.cells.iter().chain(&parts.extras) {
                if let Some(s) = row.slots.get_mut(*i) {
                    s.used = true;
                }
            }
            let value = ValueDoc {
                text,
                ..ValueDoc::default()
            };
            match side {
                Side::Target => ind.target = value,
                Side::Actual => ind.actual = Some(value),
            }
        }
        self.doc.indicators.push(ind);
    }
}

/// Sets a text field unless it holds one; whether the cell was taken (a blank one is).
fn put(field: &mut Option<String>, value: Option<String>) -> bool {
    match (field.is_some(), value) {
        (_, None) => true,
        (false, Some(v)) => {
            *field = Some(v);
            true
        }
        (true, Some(_)) => false,
    }
}

/// Sets a figure unless it holds one; whether the cell was taken.
fn fill(
    field: &mut Option<rust_decimal::Decimal>,
    read: impl FnOnce() -> Option<rust_decimal::Decimal>,
) -> bool {
    if field.is_some() {
        return false;
    }
    *field = read();
    true
}

/// 偏差原因分析及改进措施 in one cell: the first line is the reason, the rest the measures.
fn split_reason(text: Option<String>) -> (Option<String>, Option<String>) {
    let Some(text) = text else {
        return (None, None);
    };
    // As the service writes the column: the measures after 改进措施： (either part may be
    // missing or hold line breaks).
    if let Some((reason, measures)) = text.split_once(crate::forms::layout::MEASURES) {
        let part = |t: &str| Some(t.trim_matches('\n').to_owned()).filter(|t| !t.trim().is_empty());
        return (part(reason), part(measures));
    }
    match text.split_once('\n') {
        Some((reason, measures)) if !reason.trim().is_empty() && !measures.trim().is_empty() => {
            (Some(reason.to_owned()), Some(measures.to_owned()))
        }
        _ => (Some(text), None),
    }
}
