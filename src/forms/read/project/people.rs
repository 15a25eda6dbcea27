//! Who evaluated and who gave an opinion: the 评价人员 table (姓名, 职务/职称, 单位, 角色; the
//! 签署 column is the workflow's print, not content) and the opinions (评价组组长意见, 部门（单位）
//! 意见, 财政部门归口业务股室意见, each with 负责人 and 日期 on its last line).

use super::grid::{Columns, Row, date, key};
use super::{Form, Mode};
use crate::domain::report::document::{EvaluatorDoc, OpinionDoc};
use crate::domain::report::labels;
use entity::{EvaluatorRole, OpinionKind};
use sea_orm::Iterable;

/// A column of the evaluators' table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Col {
    /// 姓名.
    Name,
    /// 职务/职称.
    Position,
    /// 单位.
    Unit,
    /// 角色.
    Role,
    /// 签署 / 签字.
    Signature,
}

fn column(key: &str) -> Option<Col> {
    if key.contains("姓名") {
        Some(Col::Name)
    } else if key.contains("职务") || key.contains("职称") {
        Some(Col::Position)
    } else if key.contains("单位") {
        Some(Col::Unit)
    } else if key.contains("角色") || key.contains("分工") {
        Some(Col::Role)
    } else if key.contains('签') {
        Some(Col::Signature)
    } else {
        None
    }
}

/// The row 评价人员 alone.
pub(super) fn is_evaluators_heading(row: &Row<'_>) -> bool {
    only(row, &["评价人员", "评价组成员", "评价小组成员"])
}

/// The row 意见 alone.
pub(super) fn is_opinions_heading(row: &Row<'_>) -> bool {
    only(row, &["意见", "审核意见"])
}

fn only(row: &Row<'_>, labels: &[&str]) -> bool {
    let mut texts = row.texts();
    matches!((texts.next(), texts.next()), (Some(s), None) if labels.contains(&s.key.as_str()))
}

/// The evaluators' header: its first text is 姓名.
pub(super) fn is_header(row: &Row<'_>) -> bool {
    row.first_text().is_some_and(|s| s.key == "姓名")
}

/// The opinion a row gives, by its leading label (评价组组长意见, 部门（单位）意见,
/// 财政部门归口业务股室意见 and their short forms).
pub(super) fn opinion_kind(row: &Row<'_>) -> Option<OpinionKind> {
    let label = row.first_text()?.key.trim_end_matches(':').to_owned();
    OpinionKind::iter()
        .find(|k| key(labels::opinion(*k)) == label)
        .or(match label.as_str() {
            "组长意见" | "评价组意见" => Some(OpinionKind::GroupLeader),
            "部门意见" | "单位意见" | "部门(单位)审核意见" => {
                Some(OpinionKind::Department)
            }
            "财政部门意见" | "财政意见" | "财政部门审核意见" => {
                Some(OpinionKind::Finance)
            }
            _ => None,
        })
}

/// A row going on with the opinion above: its label is （续）.
pub(super) fn continues(row: &Row<'_>) -> bool {
    row.first_text().is_some_and(|s| s.key == "(续)")
}

impl Form {
    /// The evaluators' header.
    pub(super) fn evaluator_header(&mut self, row: &mut Row<'_>) {
        let cols = row
            .slots
            .iter()
            .filter_map(|s| column(&s.key).map(|c| (s.col, s.cell.span, c)));
        self.evaluators = Columns::new(cols.collect::<Vec<_>>());
        row.use_labels(|_| true);
        self.mode = Mode::Evaluators;
    }

    /// An evaluator; a row without a name is none.
    pub(super) fn evaluator(&mut self, row: &mut Row<'_>) {
        let col = |s: &super::grid::Slot<'_>| self.evaluators.at(s.col);
        // A name is short: a longer text in the column is a remark, left unplaced.
        let name = row
            .slots
            .iter()
            .find(|s| col(s) == Some(Col::Name) && s.filled() && s.text.chars().count() <= 20);
        let Some(name) = name.map(|s| s.text.to_owned()) else {
            return;
        };
        let mut e = EvaluatorDoc {
            id: None,
            name,
            position: None,
            unit: None,
            role: EvaluatorRole::Member,
            subject: None,
        };
        let cols: Vec<Option<Col>> = row.slots.iter().map(col).collect();
        let mut named = false;
        for (s, c) in row.slots.iter_mut().zip(cols) {
            match c {
                Some(Col::Name) if !named && s.text == e.name => named = true,
                Some(Col::Position) if e.position.is_none() => e.position = s.value(),
                Some(Col::Unit) if e.unit.is_none() => e.unit = s.value(),
                Some(Col::Role) if s.key.contains("组长") && !s.key.contains('副') => {
                    e.role = EvaluatorRole::GroupLeader;
                }
                Some(Col::Role)
                    if !s.filled() || s.key.contains("成员") || s.key.contains("组员") => {}
                Some(Col::Signature) => {}
                _ => continue,
            }
            s.used = true;
        }
        self.doc.evaluators.push(e);
    }

    /// An opinion: its label, then its text.
    pub(super) fn opinion(&mut self, row: &mut Row<'_>) {
        let Some(kind) = opinion_kind(row) else {
            return;
        };
        let mut label = true;
        let mut text: Option<String> = None;
        for s in row.slots.iter_mut().filter(|s| !s.text.is_empty()) {
            if !label {
                join(&mut text, s.text, "\n");
            }
            label = false;
            s.used = true;
        }
        self.doc.opinions.push(OpinionDoc {
            id: None,
            kind,
            text,
            person: None,
            date: None,
        });
        self.mode = Mode::Opinions;
    }

    /// More of the opinion above (a text longer than a cell holds).
    pub(super) fn opinion_continued(&mut self, row: &mut Row<'_>) {
        let Some(last) = self.doc.opinions.last_mut() else {
            return;
        };
        for (i, s) in row
            .slots
            .iter_mut()
            .filter(|s| !s.text.is_empty())
            .enumerate()
        {
            if i > 0 {
                join(&mut last.text, s.text, "");
            }
            s.used = true;
        }
    }
}

fn join(text: &mut Option<String>, more: &str, separator: &str) {
    match text {
        Some(t) => {
            t.push_str(separator);
            t.push_str(more);
        }
        None => *text = Some(more.to_owned()),
    }
}

/// Each opinion's last line `负责人：…　日期：…` as its person and date.
pub(super) fn sign_lines(opinions: &mut [OpinionDoc]) {
    for o in opinions {
        let Some(text) = o.text.take() else { continue };
        let (body, last) = text.rsplit_once('\n').unwrap_or(("", &text));
        match sign_line(last) {
            Some((person, day)) => {
                o.person = person;
                o.date = day;
                o.text = (!body.is_empty()).then(|| body.to_owned());
            }
            None => o.text = Some(text),
        }
    }
}

/// `负责人：张三　日期：2025年3月20日` (either part alone), or `None` if the line says more.
fn sign_line(line: &str) -> Option<(Option<String>, Option<chrono::NaiveDate>)> {
    let (mut person, mut day) = (None, None);
    for part in line.split_whitespace() {
        if let Some(p) = part
            .strip_prefix("负责人：")
            .or(part.strip_prefix("负责人:"))
        {
            person = (!p.is_empty()).then(|| p.to_owned());
        } else if let Some(d) = part.strip_prefix("日期：").or(part.strip_prefix("日期:")) {
            day = Some(date(d)?);
        } else {
            return None;
        }
    }
    (person.is_some() || day.is_some()).then_some((person, day))
}
