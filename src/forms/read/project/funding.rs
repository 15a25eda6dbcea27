//! The funding block (年初预算数 … 得分 by 年度资金总额, 当年财政拨款, 上年结转资金, 其他资金,
//! 基本支出, 项目支出) and the 年度总体目标 rows.

use super::grid::{Columns, Row, figure, rate};
use super::{Form, Mode};
use crate::domain::assessment::score::execution_rate;
use crate::domain::report::document::{FundingLine, Goal};
use entity::{AmountUnit, FundingLineKind};

/// A column of the funding block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Col {
    /// 年初预算数.
    Initial,
    /// 全年预算数.
    Adjusted,
    /// 全年执行数.
    Executed,
    /// 分值.
    Weight,
    /// 执行率.
    Rate,
    /// 得分.
    Score,
}

/// A column of the goals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum GoalCol {
    /// 年初设定目标.
    Initial,
    /// 预期目标.
    Expected,
    /// 实际完成情况.
    Actual,
}

/// A funding header's column by its words.
fn column(key: &str) -> Option<Col> {
    if key.chars().count() > 24 {
        None
    } else if key.contains("执行率") {
        Some(Col::Rate)
    } else if key.contains("年初") {
        Some(Col::Initial)
    } else if key.contains("执行数") || key.contains("执行金额") || key.contains("实际支出")
    {
        Some(Col::Executed)
    } else if key.contains("预算") {
        Some(Col::Adjusted)
    } else if key.contains("分值") || key.contains("权重") {
        Some(Col::Weight)
    } else if key.contains("得分") {
        Some(Col::Score)
    } else {
        None
    }
}

/// The funding header: 年初预算数 … or 预算数 and 执行数.
pub(super) fn is_header(row: &Row<'_>) -> bool {
    row.any(|k| k.contains("年初预算"))
        || (row.any(|k| column(k) == Some(Col::Adjusted))
            && row.any(|k| column(k) == Some(Col::Executed)))
}

/// A funding line by its label (`其中：当年财政拨款` is 当年财政拨款).
fn line_kind(key: &str) -> Option<FundingLineKind> {
    if key.chars().count() > 20 {
        return None;
    }
    let k = key
        .trim_start_matches("其中")
        .trim_start_matches([':', ',']);
    if k.contains("资金总额") || matches!(k, "合计" | "总计" | "总额") {
        Some(FundingLineKind::Total)
    } else if k.contains("财政拨款") || k.contains("财政资金") {
        Some(FundingLineKind::CurrentAppropriation)
    } else if k.contains("结转") {
        Some(FundingLineKind::PriorCarryover)
    } else if k.starts_with("其他") {
        Some(FundingLineKind::Other)
    } else if k.contains("基本支出") {
        Some(FundingLineKind::BasicExpenditure)
    } else if k.contains("项目支出") {
        Some(FundingLineKind::ProjectExpenditure)
    } else {
        None
    }
}

/// The goals header: 预期目标 and 实际完成情况, or the 年度总体目标 label leading a row.
pub(super) fn is_goal_header(row: &Row<'_>) -> bool {
    let expected = row.any(|k| k.chars().count() <= 12 && k.contains("预期目标"));
    let actual = row.any(|k| k.chars().count() <= 12 && k.contains("实际完成"));
    (expected && actual) || row.first_text().is_some_and(|s| is_goal_label(&s.key))
}

fn is_goal_label(key: &str) -> bool {
    matches!(
        key,
        "年度总体目标" | "总体目标" | "年度绩效目标" | "绩效目标" | "项目绩效目标"
    )
}

fn goal_column(key: &str) -> Option<GoalCol> {
    if key.chars().count() > 16 || is_goal_label(key) {
        None
    } else if key.contains("实际") || key.contains("完成") {
        Some(GoalCol::Actual)
    } else if key.contains("年初") {
        Some(GoalCol::Initial)
    } else if key.contains("目标") {
        Some(GoalCol::Expected)
    } else {
        None
    }
}

impl Form {
    /// The funding header: its columns, and the unit its label names (项目资金（元）).
    pub(super) fn funding_header(&mut self, row: &mut Row<'_>) {
        let mut cols = Vec::new();
        for s in &mut row.slots {
            match column(&s.key) {
                Some(c) => cols.push((s.col, s.cell.span, c)),
                None if s.key.contains("万元") => self.doc.amount_unit = AmountUnit::WanYuan,
                None if s.key.contains("(元)") || s.key.contains("单位:元") => {
                    self.doc.amount_unit = AmountUnit::Yuan;
                }
                None => {}
            }
            s.used = true;
        }
        self.funding = Columns::new(cols);
        self.mode = Mode::Funding;
    }

    /// The funding line a row is, by a label outside the figure columns.
    pub(super) fn funding_line_kind(&self, row: &Row<'_>) -> Option<FundingLineKind> {
        row.texts()
            .filter(|s| self.funding.at(s.col).is_none())
            .find_map(|s| line_kind(&s.key))
    }

    /// A funding line; a line with no figure (a blank template row) is no line.
    pub(super) fn funding_line(&mut self, row: &mut Row<'_>) {
        let Some(kind) = self.funding_line_kind(row) else {
            return;
        };
        let mut line = FundingLine {
            id: None,
            line: kind,
            initial_budget: None,
            adjusted_budget: None,
            executed: None,
            weight: None,
            declared_score: None,
            declared_rate: None,
        };
        let mut labelled = false;
        for s in &mut row.slots {
            let Some(col) = self.funding.at(s.col) else {
                if !labelled && !s.text.is_empty() && line_kind(&s.key) == Some(kind) {
                    s.used = true;
                    labelled = true;
                }
                continue;
            };
            let cell = match col {
                Col::Initial => &mut line.initial_budget,
                Col::Adjusted => &mut line.adjusted_budget,
                Col::Executed => &mut line.executed,
                Col::Weight => &mut line.weight,
                Col::Rate => &mut line.declared_rate,
                Col::Score => &mut line.declared_score,
            };
            if cell.is_some() {
                continue;
            }
            *cell = if col == Col::Rate {
                rate(s, &mut self.warnings)
            } else {
                figure(s, &mut self.warnings)
            };
            s.used = true;
        }
        // A rate that is 全年执行数 / 全年预算数 says nothing the figures do not.
        if let (Some(r), Some(b), Some(e)) =
            (line.declared_rate, line.adjusted_budget, line.executed)
            && execution_rate(b, e) == Some(r)
        {
            line.declared_rate = None;
        }
        let figures = [
            line.initial_budget,
            line.adjusted_budget,
            line.executed,
            line.weight,
            line.declared_score,
            line.declared_rate,
        ];
        if figures.iter().any(Option::is_some) {
            self.doc.funding.push(line);
        }
    }

    /// The goals header: its columns (or none, when the label leads a row of goals).
    pub(super) fn goal_header(&mut self, row: &mut Row<'_>) {
        let mut cols = Vec::new();
        for s in &mut row.slots {
            if let Some(c) = goal_column(&s.key) {
                cols.push((s.col, s.cell.span, c));
                s.used = true;
            } else if is_goal_label(&s.key) {
                s.used = true;
            }
        }
        self.goals = Columns::new(cols);
        self.mode = Mode::Goals;
        if !self.goals.has(|_| true) {
            self.goal(row);
        }
    }

    /// A goal: its texts by column, or, without columns, the first text expected and the
    /// second actual.
    pub(super) fn goal(&mut self, row: &mut Row<'_>) {
        let mut goal = Goal::default();
        let by_column = self.goals.has(|_| true);
        let mut order = [GoalCol::Expected, GoalCol::Actual].into_iter();
        for s in row
            .slots
            .iter_mut()
            .filter(|s| !s.used && !s.text.is_empty())
        {
            let col = if by_column {
                self.goals.at(s.col)
            } else {
                order.next()
            };
            let Some(col) = col else { continue };
            let cell = match col {
                GoalCol::Initial => &mut goal.initial,
                GoalCol::Expected => &mut goal.expected,
                GoalCol::Actual => &mut goal.actual,
            };
            if let Some(text) = s.value() {
                match cell {
                    Some(t) => {
                        t.push('\n');
                        t.push_str(&text);
                    }
                    None => *cell = Some(text),
                }
            }
            s.used = true;
        }
        if goal.expected.is_some() || goal.actual.is_some() || goal.initial.is_some() {
            self.doc.qualitative_goals.push(goal);
        }
    }
}
