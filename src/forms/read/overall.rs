//! The 部门整体支出绩效评价自评报告 read back from its blocks, in the layout of the reference
//! report (岳阳市 templates): the cover, 一、基本概况, 二、收支情况 (four tables), 三、自评情况
//! (qualitative goals, indicators, score and grade), 四、评价人员 with the opinions and 填报人,
//! and 五、评价报告综述 (the narrative, to the end).
//!
//! Rows are read in order and recognised by their printed labels first (a label cell is
//! followed by its value, in the next cell or after its colon), then by the table they are in.
//! The form's printed labels and headings are not content; any other text that finds no field
//! is returned as unplaced with its location. Numbers are read with [`super::number`]: a cell
//! that does not read as one is left blank with a `NUMBER_UNREADABLE` warning.

mod finance;
mod narrative;
mod rows;
mod signoff;
mod targets;
#[cfg(test)]
mod tests;

pub use rows::{DATE_UNREADABLE, FISCAL_YEAR_MISSING, INDICATOR_GROUP_UNKNOWN, NUMBER_UNREADABLE};

use super::number::{Read, date, decimal, half_width, whole};
use super::{Block, Draft, Fragment, Given, Location};
use crate::domain::report::ReportDocument;
use entity::AmountUnit;
use rows::{Out, Row, Text, key, split_label, unnumbered, value};

/// Reads a 部门整体支出绩效评价自评报告 from its blocks; `departmentCode` comes from `given`.
pub fn overall(blocks: &[Block], given: &Given) -> Draft {
    let mut reader = Reader {
        doc: ReportDocument {
            department_code: given.department_code.clone(),
            ..ReportDocument::default()
        },
        ..Reader::default()
    };
    for row in rows::rows(blocks) {
        reader.row(&row);
    }
    reader.finish()
}

/// Where in the form the reader stands, for rows no label names.
#[derive(Debug, Default)]
enum Mode {
    /// Before the first label: the cover's title lines.
    #[default]
    Cover,
    /// Past the cover, in no table.
    Form,
    /// In a finance table.
    Finance,
    /// Under the qualitative goals' header.
    Goals(targets::GoalColumns),
    /// Under the indicator table's header.
    Indicators(targets::Indicators),
    /// Under the evaluators' header.
    Evaluators(signoff::Evaluators),
    /// In the narrative, to the end.
    Narrative,
}

/// A field a label names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    UnitName,
    BudgetCode,
    Method,
    Body,
    ReportDate,
    Contact,
    Phone,
    Authorised,
    Actual,
    Duties,
    Tasks,
    Achievements,
    Score,
    Grade,
}

/// The field a printed label names (its key, see [`rows::key`]).
fn field(label: &str) -> Option<Field> {
    use Field::*;
    let f = match label {
        "部门(单位)名称" | "单位名称" | "部门名称" | "单位(部门)名称" => {
            UnitName
        }
        "预算编码" | "预算代码" => BudgetCode,
        "评价方式" => Method,
        "评价机构" => Body,
        "报告日期" | "填报日期" => ReportDate,
        "联系人" => Contact,
        "联络电话" | "联系电话" => Phone,
        "人员编制" | "编制人数" => Authorised,
        "实有人数" => Actual,
        "职能职责概述" | "职能职责" | "主要职能" => Duties,
        "年度主要工作内容" | "主要工作内容" => Tasks,
        "评价等次" | "评价等级" | "自评等级" | "自评等次" => Grade,
        "总分" => Score,
        l if l.ends_with("综合得分") || l.ends_with("自评得分") => Score,
        l if l.contains("总体运行情况") || l.ends_with("取得的成绩") => Achievements,
        _ => return None,
    };
    Some(f)
}

/// The form's own section headings (一、部门（单位）基本概况 …): printed, not content.
fn is_form_heading(key: &str) -> bool {
    let k = unnumbered(key);
    ["基本概况", "收支情况", "绩效自评情况", "评价人员"]
        .iter()
        .any(|h| k.ends_with(h))
        && k.chars().count() <= 30
}

/// The narrative sections in `blocks` (headings numbered 一、 （一） 1. … in any mix, each with
/// the lines below it), and the lines that stand under no heading.
pub fn sections(
    blocks: &[Block],
) -> (Vec<crate::domain::report::document::Section>, Vec<Fragment>) {
    let mut out = rows::Out::default();
    let mut narrative = narrative::Narrative::default();
    for row in rows::rows(blocks) {
        narrative.row(&row, &mut out);
    }
    (narrative.finish(), out.unplaced)
}

/// Where the narrative starts: 五、评价报告综述（文字部分）.
fn is_narrative(line: &str) -> bool {
    let k = key(line);
    k.contains("评价报告综述") && k.chars().count() <= 30
}

/// The issuing template: a cover line ending in （制）.
fn is_issuer(key: &str) -> bool {
    key.ends_with("(制)")
}

#[derive(Debug, Default)]
struct Reader<'a> {
    doc: ReportDocument,
    out: Out,
    mode: Mode,
    /// The cover's title lines, until the cover closes.
    cover: Vec<Text<'a>>,
    cover_closed: bool,
    finance: finance::Tables,
    narrative: narrative::Narrative<'a>,
}

impl<'a> Reader<'a> {
    fn row(&mut self, row: &Row<'a>) {
        if let Mode::Narrative = self.mode {
            self.narrative.row(row, &mut self.out);
            return;
        }
        let Some(first) = row.first() else {
            return;
        };
        if is_narrative(first.first_line()) {
            self.close_cover();
            self.mode = Mode::Narrative;
            let start = row.filled().next().map_or(0, |(i, _)| i);
            for (i, cell) in row.cells.iter().enumerate().skip(start) {
                let skip = usize::from(i == start);
                self.narrative.cell(*cell, skip, &mut self.out);
            }
            return;
        }
        if self.printed(row, first) {
            return;
        }
        if signoff::opinion_or_preparer(
            row,
            &mut self.doc.opinions,
            &mut self.doc.preparer,
            &mut self.out,
        ) {
            self.enter(Mode::Form);
            return;
        }
        if self.labels(row) {
            self.enter(Mode::Form);
            return;
        }
        match &mut self.mode {
            Mode::Cover if !self.cover_closed && row.single().is_some() => {
                self.cover.extend(row.single());
            }
            Mode::Finance => self.finance.row(row, &mut self.doc.finance, &mut self.out),
            Mode::Goals(columns) => {
                targets::goal_row(
                    *columns,
                    row,
                    &mut self.doc.qualitative_goals,
                    &mut self.out,
                );
            }
            Mode::Indicators(table) => table.row(row, &mut self.doc.indicators, &mut self.out),
            Mode::Evaluators(table) => table.row(row, &mut self.doc.evaluators, &mut self.out),
            Mode::Cover | Mode::Form | Mode::Narrative => self.out.unplaced_row(row),
        }
    }

    /// Headings, titles and headers the form prints: they set where the reader stands.
    fn printed(&mut self, row: &Row<'a>, first: Text<'a>) -> bool {
        let heading = row.single().is_some() && is_form_heading(&first.key());
        if heading || self.finance.title(row) {
            self.enter(Mode::Form);
        } else if self.finance.header(row) {
            self.enter(Mode::Finance);
        } else if let Some(columns) = targets::goal_header(row) {
            self.enter(Mode::Goals(columns));
        } else if let Some(table) = targets::indicator_header(row) {
            self.enter(Mode::Indicators(table));
        } else if let Some(table) = signoff::evaluator_header(row) {
            self.enter(Mode::Evaluators(table));
        } else {
            return false;
        }
        true
    }

    /// Leaves the cover (and any table) for `mode`.
    fn enter(&mut self, mode: Mode) {
        self.close_cover();
        if !matches!(mode, Mode::Finance) {
            self.finance.end();
        }
        self.mode = mode;
    }

    /// A row of labels and values (`联系人 | 葛咏芳 | 联络电话 | 8418758`, `报告日期：2020年7月11日`,
    /// the issuer line). Whether the row was one; its other cells are unplaced.
    fn labels(&mut self, row: &Row<'a>) -> bool {
        let mut found = false;
        let mut pending: Vec<Text<'a>> = Vec::new();
        let mut cells = row.cells.iter().copied().peekable();
        while let Some(cell) = cells.next() {
            if cell.is_blank() {
                continue;
            }
            if is_issuer(&cell.key()) {
                found = true;
                set(&mut self.doc.issuer, cell, cell.value(), &mut self.out);
                continue;
            }
            let (label, after) = split_label(cell.text);
            let Some(f) = field(&label) else {
                pending.push(cell);
                continue;
            };
            found = true;
            let value = if after.trim().is_empty() {
                let is_value =
                    |n: &Text<'_>| field(&split_label(n.text).0).is_none() && !is_issuer(&n.key());
                cells.next_if(is_value).unwrap_or(Text { text: "", ..cell })
            } else {
                Text {
                    text: after,
                    ..cell
                }
            };
            self.field(f, value);
        }
        if found {
            for cell in pending {
                self.out.unplaced(cell.at, cell.text);
            }
        }
        found
    }

    fn field(&mut self, f: Field, cell: Text<'a>) {
        let d = &mut self.doc;
        let p = &mut d.profile;
        let out = &mut self.out;
        let text = cell.value();
        match f {
            Field::UnitName => match (d.unit_name.is_empty(), text) {
                (true, Some(t)) => d.unit_name = t,
                (false, Some(_)) => out.unplaced(cell.at, cell.text),
                (_, None) => {}
            },
            Field::BudgetCode => set(&mut d.budget_code, cell, text, out),
            Field::Method => set(&mut d.evaluation_method, cell, text, out),
            Field::Body => set(&mut d.evaluating_body, cell, text, out),
            Field::Contact => set(&mut p.contact_name, cell, text, out),
            Field::Phone => set(&mut p.contact_phone, cell, text, out),
            Field::Duties => set(&mut p.duties, cell, text, out),
            Field::Achievements => set(&mut p.achievements, cell, text, out),
            Field::Grade => set(&mut d.declared_grade, cell, text, out),
            Field::Tasks => p
                .annual_tasks
                .extend(cell.text.split('\n').filter_map(value)),
            Field::ReportDate => match date(cell.text) {
                Read::Value(v) => d.report_date = Some(v),
                Read::Blank => {}
                Read::Unreadable => out.warn(
                    cell.at,
                    DATE_UNREADABLE,
                    format!("报告日期「{}」不可识别，已留空，请核对", cell.text.trim()),
                ),
            },
            Field::Authorised => {
                p.authorised_headcount = out.number(cell, "人员编制", whole(cell.text));
            }
            Field::Actual => p.actual_headcount = out.number(cell, "实有人数", whole(cell.text)),
            Field::Score => {
                d.declared_score = out.number(cell, "绩效自评综合得分", decimal(cell.text, 2));
            }
        }
    }

    /// The cover's title lines become the series title, the title and the fiscal year: the
    /// title runs from the line with the year (`2019年度`) to the line that ends in 报告 or 表,
    /// the lines above it are the series title (`…财政支出绩效评价自评报告`).
    fn close_cover(&mut self) {
        if self.cover_closed {
            return;
        }
        self.cover_closed = true;
        let lines = std::mem::take(&mut self.cover);
        let start = lines.iter().position(|l| year(l.text).is_some());
        let (series, title) = match start {
            Some(s) => lines.split_at(s),
            None if lines.len() > 1 => lines.split_at(1),
            None => lines.split_at(0),
        };
        let end = title
            .iter()
            .position(|l| {
                let k = key(l.text);
                k.ends_with("报告") || k.ends_with('表')
            })
            .map_or(title.len(), |e| e + 1);
        let (title, rest) = title.split_at(end);
        let joined = |ls: &[Text<'_>]| value(&ls.iter().map(|l| l.text.trim()).collect::<String>());
        self.doc.series_title = joined(series);
        self.doc.title = joined(title);
        for line in rest {
            self.out.unplaced(line.at, line.text);
        }
        let file = Location::File;
        match self.doc.title.as_deref().and_then(year) {
            Some(y) => self.doc.fiscal_year = y,
            None => self.out.warn(
                title.first().map_or(&file, |l| l.at),
                FISCAL_YEAR_MISSING,
                "封面标题中没有年度（如“2019年度”），年度未读入，请填写".to_owned(),
            ),
        }
    }

    fn finish(mut self) -> Draft {
        self.close_cover();
        if self.finance.unit == Some(AmountUnit::Yuan) {
            self.doc.amount_unit = AmountUnit::Yuan;
        }
        self.doc.sections = self.narrative.finish();
        Draft {
            document: self.doc,
            unplaced: self.out.unplaced,
            warnings: self.out.warnings,
        }
    }
}

/// Sets an empty text field; a second value for it is unplaced.
fn set(slot: &mut Option<String>, cell: Text<'_>, text: Option<String>, out: &mut Out) {
    match (slot.is_some(), text) {
        (false, text) => *slot = text,
        (true, Some(_)) => out.unplaced(cell.at, cell.text),
        (true, None) => {}
    }
}

/// The year a title names: four digits followed by 年 (`2019年度`).
fn year(text: &str) -> Option<i32> {
    let t = half_width(text);
    let chars: Vec<char> = t.chars().collect();
    chars.windows(5).find_map(|w| match w {
        [a, b, c, d, '年'] if [a, b, c, d].iter().all(|x| x.is_ascii_digit()) => {
            let y: String = [a, b, c, d].into_iter().collect();
            y.parse().ok()
        }
        _ => None,
    })
}
