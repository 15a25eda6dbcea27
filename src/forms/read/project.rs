//! The 项目支出绩效自评表 (PROJECT) read from a table, whether a worksheet or a Word table.
//!
//! A table may hold several forms one below the other; each starts at its title row (a cell
//! holding 绩效自评表) or, without a title, at its 项目名称 row. The form's parts are found by
//! their printed labels, matched by keywords rather than exact wording (another city's
//! template says 年度目标值 for 年度指标值), and its columns by the header above them, so that
//! merged cells and reordered or split columns (符号 / 值 / 单位) read the same. What the
//! reader cannot place goes to [`Draft::unplaced`]; a number it cannot read is left blank with
//! a `NUMBER_UNREADABLE` warning; the form's own labels and placeholders (——, /, 无) are not
//! fragments. Workflow prints (the 签署 column of the evaluators) are not content.
//!
//! The layout `forms::xlsx` writes for a PROJECT report reads back to the same document (less
//! what it does not print: budget code, dates, preparer, narrative). Two readings are worth
//! knowing: a 执行率 equal to 全年执行数 / 全年预算数 is not kept as declared (the review
//! computes it; only a rate that differs says something), and a 偏差原因分析及改进措施 cell of
//! several lines gives its first line as the reason and the rest as the measures.

mod fields;
mod funding;
mod grid;
#[cfg(test)]
mod hostile;
mod indicators;
mod people;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod variations;

use super::{Draft, Fragment, Given, Location, Table, Warning};
use crate::domain::report::ReportDocument;
use crate::domain::report::document::ReportKindDoc;
use entity::ReportKind;
use grid::{Columns, Row};

/// Every 项目支出绩效自评表 in `table`, in order. A table without one gives none; text above
/// the first form is unplaced text of the first.
pub fn projects(table: &Table, given: &Given) -> Vec<Draft> {
    let mut forms: Vec<Form> = Vec::new();
    let mut before = Vec::new();
    for cells in &table.rows {
        let mut row = Row::new(cells);
        if row.is_blank() {
            continue;
        }
        let starts = match forms.last() {
            None => fields::is_title(&row) || fields::names_project(&row),
            Some(f) => {
                (fields::is_title(&row) && f.started) || (fields::names_project(&row) && f.named)
            }
        };
        if starts {
            forms.push(Form::new(given, &row));
        }
        match forms.last_mut() {
            Some(form) => form.row(&mut row),
            None => leftovers(&row, &mut before),
        }
    }
    let mut drafts: Vec<Draft> = forms.into_iter().map(Form::finish).collect();
    if let Some(first) = drafts.first_mut() {
        before.append(&mut first.unplaced);
        first.unplaced = before;
    }
    drafts
}

/// Which part of the form the rows below a header belong to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Title and header fields.
    Header,
    /// The funding block's lines.
    Funding,
    /// 年度总体目标 rows.
    Goals,
    /// Right below the indicator header (a row of 符号 / 值 / 单位 may follow).
    IndicatorHeader,
    /// Indicator rows.
    Indicators,
    /// After 评价人员.
    Evaluators,
    /// After 意见.
    Opinions,
}

/// One form being read.
struct Form {
    doc: ReportDocument,
    unplaced: Vec<Fragment>,
    warnings: Vec<Warning>,
    /// Where the form starts (for warnings about the form as a whole).
    at: Location,
    mode: Mode,
    /// Something besides the title has been read.
    started: bool,
    /// The 项目名称 row has been read.
    named: bool,
    /// The year the title names, and the year a note (（2023年度）) names.
    title_year: Option<i32>,
    note_year: Option<i32>,
    funding: Columns<funding::Col>,
    goals: Columns<funding::GoalCol>,
    table: indicators::State,
    evaluators: Columns<people::Col>,
}

impl Form {
    fn new(given: &Given, first: &Row<'_>) -> Self {
        let doc = ReportDocument {
            department_code: given.department_code.clone(),
            kind: ReportKindDoc(ReportKind::Project),
            ..Default::default()
        };
        Self {
            doc,
            unplaced: Vec::new(),
            warnings: Vec::new(),
            at: first
                .first_text()
                .map_or(Location::File, |s| s.cell.at.clone()),
            mode: Mode::Header,
            started: false,
            named: false,
            title_year: None,
            note_year: None,
            funding: Columns::default(),
            goals: Columns::default(),
            table: indicators::State::default(),
            evaluators: Columns::default(),
        }
    }

    /// Reads one row, by what it is, else by the part of the form it is in.
    fn row(&mut self, row: &mut Row<'_>) {
        if fields::is_title(row) {
            self.title(row);
        } else if let Some(notes) = fields::notes(row) {
            self.notes(row, notes);
        } else {
            self.started = true;
            self.part(row);
        }
        leftovers(row, &mut self.unplaced);
    }

    fn part(&mut self, row: &mut Row<'_>) {
        if people::is_opinions_heading(row) {
            row.use_labels(|_| true);
            self.mode = Mode::Opinions;
        } else if self.mode != Mode::Goals && people::opinion_kind(row).is_some() {
            self.opinion(row);
        } else if self.mode == Mode::Opinions && people::continues(row) {
            self.opinion_continued(row);
        } else if funding::is_header(row) {
            self.funding_header(row);
        } else if self.mode == Mode::Funding && self.funding_line_kind(row).is_some() {
            self.funding_line(row);
        } else if funding::is_goal_header(row) {
            self.goal_header(row);
        } else if indicators::is_header(row) {
            self.indicator_header(row);
        } else if self.mode == Mode::IndicatorHeader && indicators::is_subheader(row) {
            self.indicator_subheader(row);
        } else if fields::is_result(row) {
            self.result(row);
        } else if people::is_evaluators_heading(row) {
            row.use_labels(|_| true);
            self.mode = Mode::Evaluators;
        } else if self.mode == Mode::Evaluators && people::is_header(row) {
            self.evaluator_header(row);
        } else if fields::is_label_row(row) {
            self.fields(row);
        } else {
            match self.mode {
                Mode::Goals => self.goal(row),
                Mode::IndicatorHeader | Mode::Indicators => {
                    self.mode = Mode::Indicators;
                    self.indicator(row);
                }
                Mode::Evaluators => self.evaluator(row),
                Mode::Header | Mode::Funding | Mode::Opinions => {}
            }
        }
    }

    /// The draft: year, unit name and what was left over.
    fn finish(mut self) -> Draft {
        match self.note_year.or(self.title_year) {
            Some(year) => self.doc.fiscal_year = year,
            None => self.warnings.push(Warning {
                at: self.at.clone(),
                code: "FISCAL_YEAR_MISSING",
                message: "表中未写明年度（如“（2023年度）”），请补填年度".to_owned(),
            }),
        }
        self.doc.unit_name = self
            .doc
            .implementing_unit
            .clone()
            .or_else(|| self.doc.competent_department.clone())
            .unwrap_or_default();
        // The title the service prints for a report without one is no title of its own.
        let printed = format!(
            "{}{}年度{}",
            self.doc.unit_name,
            self.doc.fiscal_year,
            crate::domain::report::labels::form(ReportKind::Project)
        );
        if self.doc.title.as_deref() == Some(printed.as_str()) {
            self.doc.title = None;
        }
        people::sign_lines(&mut self.doc.opinions);
        Draft {
            document: self.doc,
            unplaced: self.unplaced,
            warnings: self.warnings,
        }
    }
}

/// The row's cells no field took, as fragments (placeholders are nothing filed).
fn leftovers(row: &Row<'_>, out: &mut Vec<Fragment>) {
    for s in &row.slots {
        if !s.used && s.filled() {
            out.push(Fragment {
                at: s.cell.at.clone(),
                text: s.text.to_owned(),
            });
        }
    }
}
