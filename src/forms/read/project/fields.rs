//! The form's single fields: title, year and unit notes, the labelled header fields (项目名称,
//! 主管部门, 实施单位, 项目负责人, 联系电话 …) and the result rows (总分, 自评等级).

use super::grid::{Row, Slot, date, figure, key, year_in};
use super::{Form, Mode};
use crate::domain::report::document::Person;
use crate::forms::read::Warning;
use entity::AmountUnit;

/// The printed title of the blank national form (not a title of its own).
const FORM_TITLE: &str = "项目支出绩效自评表";

/// A labelled field of the header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    ProjectName,
    Competent,
    Implementing,
    Person,
    Phone,
    BudgetCode,
    ReportDate,
    Method,
    Body,
    Issuer,
}

/// Labels as forms print them (keys: half-width, no whitespace, no colon).
const LABELS: [(&str, Field); 23] = [
    ("项目名称", Field::ProjectName),
    ("主管部门", Field::Competent),
    ("主管部门及代码", Field::Competent),
    ("主管单位", Field::Competent),
    ("实施单位", Field::Implementing),
    ("项目实施单位", Field::Implementing),
    ("项目单位", Field::Implementing),
    ("执行单位", Field::Implementing),
    ("项目负责人", Field::Person),
    ("负责人", Field::Person),
    ("填报人", Field::Person),
    ("联系人", Field::Person),
    ("联系电话", Field::Phone),
    ("联络电话", Field::Phone),
    ("电话", Field::Phone),
    ("预算编码", Field::BudgetCode),
    ("报告日期", Field::ReportDate),
    ("填报日期", Field::ReportDate),
    ("评价日期", Field::ReportDate),
    ("评价方式", Field::Method),
    ("评价机构", Field::Body),
    // The finance bureau that issues the form (the workbook and Word form print it as 制表).
    ("制表", Field::Issuer),
    ("制表单位", Field::Issuer),
];

/// 总分 as forms word it.
const TOTAL: [&str; 8] = [
    "总分",
    "总计",
    "合计",
    "自评总分",
    "综合得分",
    "自评得分",
    "总得分",
    "得分合计",
];

/// 自评等级 as forms word it.
const GRADE: [&str; 6] = [
    "自评等级",
    "评价等级",
    "评价等次",
    "自评等次",
    "等级",
    "等次",
];

/// A cell's text split at its first colon: the label's key and the value after it.
fn labelled(text: &str) -> (String, Option<&str>) {
    match text.split_once(['：', ':']) {
        Some((label, value)) => {
            let value = value.trim();
            (key(label), (!value.is_empty()).then_some(value))
        }
        None => (key(text), None),
    }
}

fn field(text: &str) -> Option<(Field, Option<&str>)> {
    let (label, value) = labelled(text);
    LABELS
        .iter()
        .find(|(l, _)| *l == label)
        .map(|(_, f)| (*f, value))
}

/// Whether `text` is one of `labels` (with or without a colon and a value after it).
fn is_one_of<'a>(text: &'a str, labels: &[&str]) -> Option<Option<&'a str>> {
    let (label, value) = labelled(text);
    labels.contains(&label.as_str()).then_some(value)
}

/// A title row: its only text names the form (…绩效自评表).
pub(super) fn is_title(row: &Row<'_>) -> bool {
    let mut texts = row.texts();
    matches!((texts.next(), texts.next()), (Some(s), None)
        if s.key.contains("绩效自评表") && s.key.chars().count() <= 120)
}

/// A row whose first text is the 项目名称 label.
pub(super) fn names_project(row: &Row<'_>) -> bool {
    row.first_text()
        .and_then(|s| field(s.text))
        .is_some_and(|(f, _)| f == Field::ProjectName)
}

/// A row of labelled fields: its first text is one of the header labels.
pub(super) fn is_label_row(row: &Row<'_>) -> bool {
    row.first_text().and_then(|s| field(s.text)).is_some()
}

/// A 总分 or 自评等级 row.
pub(super) fn is_result(row: &Row<'_>) -> bool {
    row.first_text()
        .is_some_and(|s| is_one_of(s.text, &TOTAL).is_some() || is_one_of(s.text, &GRADE).is_some())
}

/// What a note row says: `（2023年度）`, `单位：万元`, or both.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Notes {
    year: Option<i32>,
    unit: Option<AmountUnit>,
}

/// A row whose every text is a year or unit note.
pub(super) fn notes(row: &Row<'_>) -> Option<Notes> {
    let mut out = Notes::default();
    let mut any = false;
    for s in row.texts() {
        let (year, unit) = note(&s.key)?;
        out.year = out.year.or(year);
        out.unit = out.unit.or(unit);
        any = true;
    }
    any.then_some(out)
}

/// A note: `(2023年度)`, `2023年`, `单位:万元`, `金额单位:元`.
fn note(key: &str) -> Option<(Option<i32>, Option<AmountUnit>)> {
    if key.chars().count() > 40 {
        return None;
    }
    let mut rest = key.to_owned();
    let mut unit = None;
    for (text, u) in [
        ("金额单位:万元", AmountUnit::WanYuan),
        ("单位:万元", AmountUnit::WanYuan),
        ("金额单位:元", AmountUnit::Yuan),
        ("单位:元", AmountUnit::Yuan),
    ] {
        if rest.contains(text) {
            unit = Some(u);
            rest = rest.replacen(text, "", 1);
            break;
        }
    }
    let year = year_in(&rest);
    if let Some(y) = year {
        for written in [format!("{y}年度"), format!("{y}年")] {
            if rest.contains(&written) {
                rest = rest.replacen(&written, "", 1);
                break;
            }
        }
    }
    rest.retain(|c| !matches!(c, '(' | ')' | '[' | ']' | ',' | ';' | '、' | '【' | '】'));
    (rest.is_empty() && (year.is_some() || unit.is_some())).then_some((year, unit))
}

impl Form {
    /// The title row: the title (unless it is the blank form's) and the year it names.
    pub(super) fn title(&mut self, row: &mut Row<'_>) {
        let Some(slot) = row.slots.iter_mut().find(|s| !s.text.is_empty()) else {
            return;
        };
        if slot.key == FORM_TITLE {
            slot.used = true;
        } else if self.doc.title.is_none() {
            self.doc.title = Some(slot.text.to_owned());
            slot.used = true;
        }
        if slot.used {
            self.title_year = self.title_year.or(year_in(slot.text));
        }
    }

    /// A note row.
    pub(super) fn notes(&mut self, row: &mut Row<'_>, notes: Notes) {
        if let Some(unit) = notes.unit {
            self.doc.amount_unit = unit;
        }
        self.note_year = self.note_year.or(notes.year);
        row.use_labels(|_| true);
    }

    /// A row of labels, each followed by its value.
    pub(super) fn fields(&mut self, row: &mut Row<'_>) {
        let mut current: Option<Field> = None;
        for slot in row.slots.iter_mut().filter(|s| !s.text.is_empty()) {
            if let Some((f, inline)) = field(slot.text) {
                slot.used = true;
                current = Some(f);
                if let Some(value) = inline {
                    self.set(f, value, slot);
                }
            } else if let Some(f) = current {
                slot.used = !slot.filled() || self.set(f, slot.text, slot);
            }
        }
        self.mode = Mode::Header;
    }

    /// Sets a field unless it holds a value already; whether it did.
    fn set(&mut self, f: Field, value: &str, slot: &Slot<'_>) -> bool {
        let d = &mut self.doc;
        let person = || Person::default();
        let target = match f {
            Field::ProjectName => {
                self.named = true;
                &mut d.project_name
            }
            Field::Competent => &mut d.competent_department,
            Field::Implementing => &mut d.implementing_unit,
            Field::Person => &mut d.preparer.get_or_insert_with(person).name,
            Field::Phone => &mut d.preparer.get_or_insert_with(person).phone,
            Field::BudgetCode => &mut d.budget_code,
            Field::Method => &mut d.evaluation_method,
            Field::Body => &mut d.evaluating_body,
            Field::Issuer => &mut d.issuer,
            Field::ReportDate => {
                if d.report_date.is_some() {
                    return false;
                }
                d.report_date = date(value);
                if d.report_date.is_none() {
                    self.warnings.push(Warning {
                        at: slot.cell.at.clone(),
                        code: "DATE_UNREADABLE",
                        message: format!("“{value}”不是可识别的日期，报告日期已留空"),
                    });
                    return false;
                }
                return true;
            }
        };
        if target.is_some() {
            return false;
        }
        *target = Some(value.to_owned());
        true
    }

    /// 总分 and 自评等级, in one row or two: the declared score is the figure in the
    /// indicators' 得分 column (else the last figure); the 分值 total beside it is the sum the
    /// form prints, read (and warned about if unreadable) but not kept.
    pub(super) fn result(&mut self, row: &mut Row<'_>) {
        let mut grade = false;
        let mut figures: Vec<usize> = Vec::new();
        for (i, slot) in row.slots.iter_mut().enumerate() {
            if slot.text.is_empty() {
                continue;
            }
            if let Some(inline) = is_one_of(slot.text, &TOTAL) {
                grade = false;
                slot.used = true;
                if inline.is_some() {
                    figures.push(i);
                }
            } else if let Some(inline) = is_one_of(slot.text, &GRADE) {
                grade = true;
                slot.used = true;
                if let Some(g) = inline {
                    self.doc.declared_grade.get_or_insert_with(|| g.to_owned());
                }
            } else if grade {
                slot.used = !slot.filled() || self.doc.declared_grade.is_none();
                if slot.filled() && self.doc.declared_grade.is_none() {
                    self.doc.declared_grade = Some(slot.text.to_owned());
                }
            } else {
                figures.push(i);
            }
        }
        self.total(row, &figures);
    }

    fn total(&mut self, row: &mut Row<'_>, figures: &[usize]) {
        let at_col = |col: Option<usize>| {
            figures.iter().copied().find(|i| {
                row.slots
                    .get(*i)
                    .is_some_and(|s| col.is_some_and(|c| c == s.col))
            })
        };
        // Where the indicator table says which column is 得分 (and 分值), only that column is
        // read: a blank 得分 stays blank rather than taking the 分值 total beside it.
        let score = match self.table.score_column() {
            Some(c) => at_col(Some(c)),
            None => figures.last().copied(),
        };
        let weight = match self.table.weight_column() {
            Some(c) => at_col(Some(c)),
            None => figures.first().copied().filter(|_| figures.len() > 1),
        };
        for i in figures.iter().copied() {
            let Some(slot) = row.slots.get_mut(i) else {
                continue;
            };
            let text = is_one_of(slot.text, &TOTAL).flatten().unwrap_or(slot.text);
            let probe = Slot {
                col: slot.col,
                cell: slot.cell,
                text,
                key: String::new(),
                used: false,
            };
            if Some(i) == score && self.doc.declared_score.is_none() {
                self.doc.declared_score = figure(&probe, &mut self.warnings);
                slot.used = true;
            } else if Some(i) == weight && Some(i) != score {
                // The 分值 total: a sum the form prints, read for its warning only.
                let _ = figure(&probe, &mut self.warnings);
                slot.used = true;
            }
        }
    }
}
