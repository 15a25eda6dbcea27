//! 三、整体支出绩效自评情况: the qualitative goals (预期目标 | 实际完成) and the indicator table.
//!
//! The indicator table's columns come from its header: 评价内容 covers two columns (一级 and
//! 二级), and rows are matched to the header from the right, since the header's first cell
//! (the table's title) stands over a column the rows leave blank. A blank group cell continues
//! the group above (Word writes a vertically merged cell as a blank one). An indicator's 一级
//! group is the one its 二级 group belongs to: 社会公众或服务对象满意度 is a 满意度 indicator even
//! where the form prints it under 效益目标.

use super::super::number::decimal;
use super::rows::{INDICATOR_GROUP_UNKNOWN, Out, Row, Text, key};
use crate::domain::report::document::{Goal, IndicatorDoc, ValueDoc};
use crate::domain::report::labels;
use entity::{IndicatorCategory as Category, IndicatorSubcategory as Sub};
use sea_orm::Iterable;

/// Where the qualitative goals' two columns are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct GoalColumns {
    expected: usize,
    actual: usize,
    width: usize,
}

/// The goals' header (`… | 预期目标 | 实际完成`).
pub(super) fn goal_header(row: &Row<'_>) -> Option<GoalColumns> {
    let expected = row
        .filled()
        .find(|(_, c)| c.key().starts_with("预期目标"))?
        .0;
    let actual = row
        .filled()
        .find(|(_, c)| c.key().starts_with("实际完成"))?
        .0;
    Some(GoalColumns {
        expected,
        actual,
        width: row.cells.len(),
    })
}

/// The cell of `row` under header column `column` of a header `width` cells wide, matching
/// from the right.
fn under<'a>(row: &Row<'a>, width: usize, column: usize) -> Option<(usize, Text<'a>)> {
    let index = (column + row.cells.len()).checked_sub(width)?;
    row.cells.get(index).map(|c| (index, *c))
}

/// The lines of a cell that hold something, trimmed.
fn items(cell: Option<Text<'_>>) -> Vec<String> {
    cell.map(|c| {
        c.text
            .split('\n')
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect()
    })
    .unwrap_or_default()
}

/// A row of goals: one goal per line of 预期目标, each with the line of 实际完成 beside it; a
/// single 实际完成 (`完成`) answers every goal of the row.
pub(super) fn goal_row(columns: GoalColumns, row: &Row<'_>, goals: &mut Vec<Goal>, out: &mut Out) {
    let expected = under(row, columns.width, columns.expected);
    let actual = under(row, columns.width, columns.actual);
    for (i, cell) in row.filled() {
        if Some(i) != expected.map(|e| e.0) && Some(i) != actual.map(|a| a.0) {
            out.unplaced(cell.at, cell.text);
        }
    }
    let expected = items(expected.map(|e| e.1));
    let actual = items(actual.map(|a| a.1));
    goals.extend(pair(expected, actual));
}

/// Goals from the expected and actual lines (see [`goal_row`]).
fn pair(expected: Vec<String>, actual: Vec<String>) -> Vec<Goal> {
    let single = (actual.len() == 1 && expected.len() > 1)
        .then(|| actual.first().cloned())
        .flatten();
    let count = expected.len().max(actual.len());
    let mut expected = expected.into_iter();
    let mut actual = actual.into_iter();
    (0..count)
        .map(|_| Goal {
            expected: expected.next(),
            actual: single.clone().or_else(|| actual.next()),
            ..Goal::default()
        })
        .collect()
}

/// What a column of the indicator table holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    /// Nothing read (the table's title column).
    Other,
    /// 一级指标.
    Category,
    /// 二级指标.
    Subcategory,
    /// 三级指标.
    Name,
    /// 年度指标值 / 绩效目标.
    Target,
    /// 实际完成值 / 完成情况.
    Actual,
    /// 分值.
    Weight,
    /// 得分.
    Score,
    /// 得分系数.
    Coefficient,
    /// 偏差原因分析 (with or without 改进措施).
    Deviation,
    /// 改进措施.
    Improvement,
}

/// The roles a header cell's label gives its columns.
fn roles(label: &str) -> &'static [Role] {
    use Role::*;
    match label {
        "评价内容" => &[Category, Subcategory],
        "一级指标" => &[Category],
        "二级指标" => &[Subcategory],
        "三级指标" | "指标名称" => &[Name],
        "绩效目标" | "年度指标值" | "指标值" | "年度目标值" | "目标值" => {
            &[Target]
        }
        "完成情况" | "实际完成值" | "实际完成" | "实际完成情况" | "全年实际完成值" => {
            &[Actual]
        }
        "分值" | "权重" | "指标分值" => &[Weight],
        "得分" | "自评得分" => &[Score],
        "得分系数" => &[Coefficient],
        "改进措施" => &[Improvement],
        l if l.starts_with("偏差原因") => &[Deviation],
        _ => &[Other],
    }
}

/// The indicator table as it is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Indicators {
    columns: Vec<Role>,
    category: Option<Category>,
    subcategory: Option<Sub>,
}

/// The indicator table's header: a row with a target column and an actual column.
pub(super) fn indicator_header(row: &Row<'_>) -> Option<Indicators> {
    let mut columns = Vec::new();
    for cell in &row.cells {
        let r = roles(&cell.key());
        columns.extend_from_slice(r);
        columns.extend(std::iter::repeat_n(
            Role::Other,
            cell.span.saturating_sub(r.len()),
        ));
    }
    let has = |role| columns.contains(&role);
    (has(Role::Target) && has(Role::Actual)).then_some(Indicators {
        columns,
        category: None,
        subcategory: None,
    })
}

/// The key of a group label without the 指标 / 目标 it may end with.
fn stem(label: &str) -> String {
    let k = key(label);
    let k = k
        .strip_suffix("指标")
        .or_else(|| k.strip_suffix("目标"))
        .unwrap_or(&k);
    k.to_owned()
}

/// The one value whose label matches a cell: the label's stem equals the cell's, or one holds
/// the other (满意度 and 社会公众或服务对象满意度 both read as 服务对象满意度指标).
fn named<T: Copy>(
    text: &str,
    values: impl Iterator<Item = T>,
    label: fn(T) -> &'static str,
) -> Option<T> {
    let first = text
        .split('\n')
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default();
    let cell = stem(first);
    if cell.is_empty() {
        return None;
    }
    let mut near = Vec::new();
    for value in values {
        let s = stem(label(value));
        if s == cell {
            return Some(value);
        }
        if cell.contains(&s) || s.contains(&cell) {
            near.push(value);
        }
    }
    match near.as_slice() {
        [one] => Some(*one),
        _ => None,
    }
}

/// The 一级 group a 二级 group belongs to.
pub(super) fn home(sub: Sub) -> Category {
    match sub {
        Sub::Quantity | Sub::Quality | Sub::Timeliness | Sub::Cost => Category::Output,
        Sub::Economic | Sub::Social | Sub::Ecological | Sub::Sustainability => Category::Outcome,
        Sub::Satisfaction => Category::Satisfaction,
        Sub::BudgetExecution => Category::BudgetExecution,
        Sub::ProjectApproval | Sub::PerformanceGoals | Sub::FundingInput => Category::Decision,
        Sub::FundingManagement | Sub::Organisation => Category::Process,
    }
}

/// The 二级 group a 一级 group without one stands for (预算执行率, 满意度).
fn only_sub(category: Category) -> Option<Sub> {
    let mut subs = Sub::iter().filter(|s| home(*s) == category);
    match (subs.next(), subs.next()) {
        (Some(one), None) => Some(one),
        _ => None,
    }
}

impl Indicators {
    /// A row of the table: an indicator, or group labels only.
    pub fn row(&mut self, row: &Row<'_>, indicators: &mut Vec<IndicatorDoc>, out: &mut Out) {
        let width = self.columns.len();
        let mut cells: Vec<(Role, Text<'_>)> = Vec::new();
        for (i, cell) in row.cells.iter().enumerate() {
            let role = (i + width)
                .checked_sub(row.cells.len())
                .and_then(|c| self.columns.get(c))
                .copied()
                .unwrap_or(Role::Other);
            match role {
                Role::Other => out.unplaced(cell.at, cell.text),
                _ => cells.push((role, *cell)),
            }
        }
        let cell = |role: Role| {
            cells
                .iter()
                .find(|(r, c)| *r == role && !c.is_blank())
                .map(|(_, c)| *c)
        };
        if let Some(c) = cell(Role::Category) {
            self.category = named(c.text, Category::iter(), labels::category);
            self.subcategory = None;
            if self.category.is_none() {
                warn_group(out, c, "一级指标");
            }
        }
        if let Some(c) = cell(Role::Subcategory) {
            self.subcategory = named(c.text, Sub::iter(), labels::subcategory);
            if self.subcategory.is_none() {
                warn_group(out, c, "二级指标");
            }
        }
        let content: Vec<(Role, Text<'_>)> = cells
            .iter()
            .filter(|(r, c)| !matches!(r, Role::Category | Role::Subcategory) && !c.is_blank())
            .copied()
            .collect();
        if content.is_empty() {
            return;
        }
        let sub = self
            .subcategory
            .or_else(|| self.category.and_then(only_sub));
        let Some(sub) = sub else {
            if let Some((_, first)) = content.first() {
                warn_group(out, *first, "指标所属的二级指标");
            }
            for (_, c) in content {
                out.unplaced(c.at, c.text);
            }
            return;
        };
        let text = |role| cell(role).and_then(|c| c.value());
        let mut number =
            |role, what| cell(role).and_then(|c| out.number(c, what, decimal(c.text, 2)));
        let weight = number(Role::Weight, "分值");
        let declared_score = number(Role::Score, "得分");
        let score_coefficient = number(Role::Coefficient, "得分系数");
        indicators.push(IndicatorDoc {
            id: None,
            category: home(sub),
            subcategory: sub,
            name: text(Role::Name),
            target: ValueDoc {
                text: text(Role::Target).unwrap_or_default(),
                ..ValueDoc::default()
            },
            actual: text(Role::Actual).map(|text| ValueDoc {
                text,
                ..ValueDoc::default()
            }),
            weight,
            declared_score,
            deviation_reason: text(Role::Deviation),
            improvement_measures: text(Role::Improvement),
            core: false,
            score_coefficient,
        });
    }
}

/// An indicator group the model does not know.
fn warn_group(out: &mut Out, cell: Text<'_>, what: &str) {
    let message = format!(
        "{what}「{}」不是可识别的指标类别，本行未读入，请核对",
        cell.first_line().trim()
    );
    out.warn(cell.at, INDICATOR_GROUP_UNKNOWN, message);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_as_forms_name_them() {
        let sub = |t| named(t, Sub::iter(), labels::subcategory);
        let cat = |t| named(t, Category::iter(), labels::category);
        assert_eq!(cat("产出目标\n\n（部门工作实绩）"), Some(Category::Output));
        assert_eq!(cat("效益目标"), Some(Category::Outcome));
        assert_eq!(cat("满意度指标"), Some(Category::Satisfaction));
        assert_eq!(sub("质量指标"), Some(Sub::Quality));
        assert_eq!(sub("社会效益"), Some(Sub::Social));
        assert_eq!(sub("社会公众或服务对象满意度"), Some(Sub::Satisfaction));
        assert_eq!(sub("满意度指标"), Some(Sub::Satisfaction));
        assert_eq!(sub("可持续影响指标"), Some(Sub::Sustainability));
        assert_eq!(sub("效益"), None, "经济、社会、生态效益 all hold it");
        assert_eq!(sub("指标1：xx"), None);
        for s in Sub::iter() {
            assert_eq!(sub(labels::subcategory(s)), Some(s));
        }
    }

    #[test]
    fn one_actual_answers_every_goal() {
        let goals = pair(vec!["甲".into(), "乙".into()], vec!["完成".into()]);
        assert_eq!(goals.len(), 2);
        assert!(goals.iter().all(|g| g.actual.as_deref() == Some("完成")));
        let goals = pair(vec!["甲".into()], vec!["完成".into(), "另".into()]);
        assert_eq!(goals.len(), 2);
        assert_eq!(goals[1].expected, None);
        assert_eq!(goals[1].actual.as_deref(), Some("另"));
    }
}
