//! 四、评价人员: the evaluators' table (姓名 | 职务/职称 | 单位 | 签字), the three opinions
//! (评价组组长, 部门（单位）, 财政部门归口业务股室) each with 负责人 and date, and 填报人 with
//! 联系电话. An opinion with no text, person or date (the printed blank) is no opinion.

use super::super::number::{Read, date, half_width};
use super::rows::{DATE_UNREADABLE, Out, Row, Text, key, split_label, value};
use crate::domain::report::document::{EvaluatorDoc, OpinionDoc, Person};
use crate::domain::report::labels;
use chrono::NaiveDate;
use entity::{EvaluatorRole, OpinionKind};

/// What a column of the evaluators' table holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Name,
    Position,
    Unit,
    Role,
    Signature,
    Other,
}

fn column(label: &str) -> Column {
    match label {
        "姓名" => Column::Name,
        "单位" | "工作单位" | "所在单位" => Column::Unit,
        "签字" | "签名" => Column::Signature,
        l if l.contains("职务") || l.contains("职称") => Column::Position,
        l if l.contains("分工") || l.contains("角色") || l.contains("组内") => Column::Role,
        _ => Column::Other,
    }
}

/// The evaluators' table as it is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Evaluators {
    columns: Vec<Column>,
}

/// The evaluators' header: a row with 姓名 and 职务 or 单位.
pub(super) fn evaluator_header(row: &Row<'_>) -> Option<Evaluators> {
    let columns: Vec<Column> = row.cells.iter().map(|c| column(&c.key())).collect();
    let has = |c| columns.contains(&c);
    (has(Column::Name) && (has(Column::Position) || has(Column::Unit)))
        .then_some(Evaluators { columns })
}

/// The role an evaluator's role cell (or, without one, 职务) gives: 组长 (not 副组长) leads.
fn role(text: Option<&str>) -> EvaluatorRole {
    let leader = labels::evaluator_role(EvaluatorRole::GroupLeader);
    match text {
        Some(t) if t.contains(leader) && !t.contains(&format!("副{leader}")) => {
            EvaluatorRole::GroupLeader
        }
        _ => EvaluatorRole::Member,
    }
}

impl Evaluators {
    /// A row: an evaluator if it names one.
    pub fn row(&self, row: &Row<'_>, evaluators: &mut Vec<EvaluatorDoc>, out: &mut Out) {
        let width = self.columns.len();
        let mut found: Vec<(Column, Text<'_>)> = Vec::new();
        for (i, cell) in row.cells.iter().enumerate() {
            let col = (i + width)
                .checked_sub(row.cells.len())
                .and_then(|c| self.columns.get(c))
                .copied()
                .unwrap_or(Column::Other);
            match col {
                // The service prints each signature's status here (未签署, 已签署（日期）):
                // workflow, not content. Anything else written here is kept as unplaced.
                Column::Signature if is_status(cell.text) => {}
                Column::Signature | Column::Other => out.unplaced(cell.at, cell.text),
                _ => found.push((col, *cell)),
            }
        }
        let get = |c: Column| {
            found
                .iter()
                .find(|(k, _)| *k == c)
                .and_then(|(_, t)| t.value())
        };
        let Some(name) = get(Column::Name) else {
            for (_, cell) in &found {
                out.unplaced(cell.at, cell.text);
            }
            return;
        };
        let position = get(Column::Position);
        let role = role(get(Column::Role).as_deref().or(position.as_deref()));
        evaluators.push(EvaluatorDoc {
            id: None,
            name,
            position,
            unit: get(Column::Unit),
            role,
            subject: None,
        });
    }
}

/// A signature status as `forms::layout::signature_of` prints it.
fn is_status(text: &str) -> bool {
    let t = text.trim();
    t == "未签署" || t.starts_with("已签署（")
}

/// Whose opinion a label opens.
fn opinion_kind(label: &str) -> Option<OpinionKind> {
    let printed = |k| key(labels::opinion(k));
    if label.starts_with("评价组组长") {
        Some(OpinionKind::GroupLeader)
    } else if label == printed(OpinionKind::Finance)
        || (label.starts_with("财政") && label.ends_with("意见"))
    {
        Some(OpinionKind::Finance)
    } else if label == printed(OpinionKind::Department)
        || ((label.starts_with("部门") || label.starts_with("单位")) && label.ends_with("意见"))
    {
        Some(OpinionKind::Department)
    } else {
        None
    }
}

/// Whether a line is 填报人's.
fn is_preparer(line: &str) -> bool {
    key(line).starts_with("填报人")
}

/// `填报人（签名）：葛咏芳    联系电话：8418758`, or the same spread over cells.
fn preparer(text: &str) -> Person {
    let rest = text
        .find("填报人")
        .and_then(|i| text.get(i..))
        .unwrap_or(text);
    let rest = match rest.find(['：', ':']) {
        Some(_) => split_label(rest).1,
        None => rest.get("填报人".len()..).unwrap_or_default(),
    };
    let (name, phone) = match rest.find("电话") {
        Some(i) => {
            let (before, after) = rest.split_at(i);
            let before = before.strip_suffix("联系").unwrap_or(before);
            let phone = if after.contains(['：', ':']) {
                split_label(after).1
            } else {
                after.get("电话".len()..).unwrap_or_default()
            };
            (before, phone)
        }
        None => (rest, ""),
    };
    Person {
        name: value(name),
        phone: value(phone),
    }
}

/// A date line: the printed `年  月  日` or a filled date, alone on its line or after a label
/// such as 日期.
fn date_line(line: &str) -> Option<&str> {
    let (label, after) = split_label(line);
    if !after.is_empty() && label.ends_with("日期") {
        return Some(after);
    }
    let k = half_width(line);
    let only_date = k
        .chars()
        .all(|c| c.is_whitespace() || c.is_ascii_digit() || "年月日-./".contains(c));
    (only_date && (k.contains('年') || k.bytes().any(|b| b.is_ascii_digit()))).then_some(line)
}

/// A row that opens an opinion or gives 填报人: read into the document. Whether it was one.
pub(super) fn opinion_or_preparer(
    row: &Row<'_>,
    opinions: &mut Vec<OpinionDoc>,
    preparer_out: &mut Option<Person>,
    out: &mut Out,
) -> bool {
    let Some(first) = row.first() else {
        return false;
    };
    let (label, _) = split_label(first.first_line());
    if is_preparer(first.first_line()) {
        let joined: Vec<&str> = row.filled().map(|(_, c)| c.text.trim()).collect();
        set_preparer(preparer_out, preparer(&joined.join(" ")), first, out);
        return true;
    }
    let Some(kind) = opinion_kind(&label) else {
        return false;
    };
    let mut opinion = Opinion::default();
    let mut lines = row.filled().flat_map(|(_, c)| c.lines());
    if let Some((_, first_line)) = lines.next() {
        let after = split_label(first_line).1;
        match kind {
            OpinionKind::GroupLeader => opinion.person = value(after),
            _ => opinion.text.extend(value(after)),
        }
    }
    for (at, line) in lines {
        if line.trim().is_empty() {
            continue;
        }
        if is_preparer(line) {
            let cell = Text {
                at: &at,
                text: line,
                span: 1,
            };
            set_preparer(preparer_out, preparer(line), cell, out);
        } else if let Some(d) = date_line(line) {
            match date(d) {
                Read::Value(v) => opinion.date = Some(v),
                Read::Blank => {}
                Read::Unreadable => out.warn(
                    &at,
                    DATE_UNREADABLE,
                    format!("日期「{}」不可识别，已留空，请核对", line.trim()),
                ),
            }
        } else if let Some(person) = signer(line) {
            match (&opinion.person, value(person)) {
                (None, person) => opinion.person = person,
                (Some(_), Some(_)) => out.unplaced(&at, line),
                (Some(_), None) => {}
            }
        } else {
            opinion.text.push(line.trim().to_owned());
        }
    }
    if let Some(doc) = opinion.into_doc(kind) {
        opinions.push(doc);
    }
    true
}

/// The name after `负责人（签章）：`, `签字：`…, on a line that gives one.
fn signer(line: &str) -> Option<&str> {
    let (label, after) = split_label(line);
    let signs = ["负责人", "签章", "签字", "签名"];
    (line.contains(['：', ':']) && signs.iter().any(|s| label.contains(s))).then_some(after)
}

fn set_preparer(slot: &mut Option<Person>, person: Person, cell: Text<'_>, out: &mut Out) {
    if person.name.is_none() && person.phone.is_none() {
        return;
    }
    match slot {
        Some(_) => out.unplaced(cell.at, cell.text),
        None => *slot = Some(person),
    }
}

#[derive(Default)]
struct Opinion {
    text: Vec<String>,
    person: Option<String>,
    date: Option<NaiveDate>,
}

impl Opinion {
    fn into_doc(self, kind: OpinionKind) -> Option<OpinionDoc> {
        let text = (!self.text.is_empty()).then(|| self.text.join("\n"));
        (text.is_some() || self.person.is_some() || self.date.is_some()).then_some(OpinionDoc {
            id: None,
            kind,
            text,
            person: self.person,
            date: self.date,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preparer_lines() {
        let p = preparer("填报人（签名）：葛咏芳                        联系电话：8418758");
        assert_eq!(p.name.as_deref(), Some("葛咏芳"));
        assert_eq!(p.phone.as_deref(), Some("8418758"));
        let p = preparer("填报人： 王五 联系电话： 0730-1234567");
        assert_eq!(p.name.as_deref(), Some("王五"));
        assert_eq!(p.phone.as_deref(), Some("0730-1234567"));
        let p = preparer("填报人（签名）：");
        assert_eq!((p.name, p.phone), (None, None));
    }

    #[test]
    fn roles_and_labels() {
        assert_eq!(role(Some("评价组组长")), EvaluatorRole::GroupLeader);
        assert_eq!(role(Some("副组长")), EvaluatorRole::Member);
        assert_eq!(role(Some("局长")), EvaluatorRole::Member);
        assert_eq!(
            opinion_kind("评价组组长(签字)"),
            Some(OpinionKind::GroupLeader)
        );
        assert_eq!(
            opinion_kind("部门(单位)意见"),
            Some(OpinionKind::Department)
        );
        assert_eq!(
            opinion_kind("财政部门归口业务股室意见"),
            Some(OpinionKind::Finance)
        );
        assert_eq!(opinion_kind("联系人"), None);
        assert!(date_line("      年    月    日").is_some());
        assert!(date_line("2020年7月1日").is_some());
        assert!(date_line("同意。").is_none());
    }
}
