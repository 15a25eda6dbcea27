//! The workbook: one sheet per report, eight columns (A–H), A4 portrait, one page wide.
//!
//! Figures are written as numbers (a spreadsheet keeps numbers as binary floating point: exact
//! for every amount up to 10^9 万元 to the fen) with two decimals shown; a blank cell stays blank.
//! Where the form has a sum (a total column, the summary row, 总分), the cell is a formula, so
//! that an edited copy stays consistent — when the filed figure equals that sum; a filed figure
//! that differs is written as filed (the reviewer's checks report the difference).

use super::FormReport;
use crate::domain::report::document::FundingLine;
use crate::domain::report::document::{IndicatorDoc, ReportDocument, ValueDoc};
use crate::domain::report::labels;
use entity::{AmountUnit, FundingLineKind, ReportKind};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{
    DocProperties, Format, FormatAlign, FormatBorder, Formula, Workbook, Worksheet, XlsxError,
};

mod overall;

/// Reads one figure of a funding line.
type LineFigure = fn(&FundingLine) -> Option<Decimal>;

/// Columns of every sheet (A–H).
const LAST_COL: u16 = 7;
/// Fonts official documents name: titles in 方正小标宋简体, headings in 黑体, text in 仿宋_GB2312.
const TITLE_FONT: &str = "方正小标宋简体";
const HEAD_FONT: &str = "黑体";
const BODY_FONT: &str = "仿宋_GB2312";
/// About this many CJK characters fit on one line of a cell merged across A–H.
const CHARS_PER_LINE: usize = 44;
/// Excel's tallest row, in points.
const MAX_ROW_HEIGHT: f64 = 409.0;
/// Most characters in one cell (Excel's limit is 32,767; a document text may hold 100,000).
/// Paragraphs and labelled values go on over as many rows as they need; a table cell keeps
/// this many and says that it is cut ([`cell`]).
const MAX_CELL_CHARS: usize = 32_000;

/// `text` cut into pieces a cell holds, on character boundaries.
fn pieces(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some((cut, _)) = rest.char_indices().nth(MAX_CELL_CHARS) {
        out.push(&rest[..cut]);
        rest = &rest[cut..];
    }
    out.push(rest);
    out
}

/// `text` as one table cell holds it: whole, or its beginning and a note that it goes on in
/// the system (the PDF and workbook are prints; the record is whole); characters XML cannot
/// carry shown as U+FFFD.
fn cell(text: &str) -> std::borrow::Cow<'_, str> {
    let text = match pieces(text).as_slice() {
        [one] => std::borrow::Cow::Borrowed(*one),
        [first, ..] => std::borrow::Cow::Owned(format!(
            "{first}……（超过表格单元格上限，全文见系统中的报告）"
        )),
        [] => std::borrow::Cow::Borrowed(""),
    };
    if text.chars().all(xml_safe) {
        text
    } else {
        std::borrow::Cow::Owned(
            text.chars()
                .map(|c| if xml_safe(c) { c } else { '\u{FFFD}' })
                .collect(),
        )
    }
}

/// Whether a file part may hold `c` as it is: the noncharacters U+FFFE and U+FFFF are not XML
/// (control characters the writer escapes itself).
fn xml_safe(c: char) -> bool {
    !matches!(c, '\u{FFFE}' | '\u{FFFF}')
}

pub(super) fn workbook(reports: &[FormReport<'_>]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let mut properties = DocProperties::new().set_author("jixiao");
    if let [one] = reports {
        properties = properties
            .set_title(cell(&super::layout::title(one.document)).into_owned())
            .set_custom_property("contentDigest", one.content_digest)
            .set_custom_property("version", one.version);
    }
    book.set_properties(&properties);
    let formats = Formats::new();
    for (i, report) in reports.iter().enumerate() {
        let ws = book.add_worksheet();
        ws.set_name(sheet_name(i, report.document))?;
        let mut sheet = Sheet {
            ws,
            row: 0,
            f: &formats,
            unit: report.document.amount_unit,
            funding_row: None,
        };
        sheet.page(report)?;
        match report.document.kind.0 {
            ReportKind::Project => sheet.project(report)?,
            ReportKind::DepartmentOverall => sheet.overall(report)?,
        }
    }
    book.save_to_buffer()
}

/// Sheet names: at most 31 characters, none of `[]:*?/\`, unique by their number.
fn sheet_name(i: usize, d: &ReportDocument) -> String {
    let name = d.project_name.as_deref().unwrap_or(&d.unit_name);
    // Excel counts the 31 in UTF-16 units: a character outside the BMP counts twice.
    let mut units = 0;
    let clean: String = name
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\' | '\''))
        .filter(|c| !c.is_control() && xml_safe(*c))
        .take_while(|c| {
            units += c.len_utf16();
            units <= 24
        })
        .collect();
    format!("{} {}", i + 1, clean)
}

struct Formats {
    title: Format,
    subtitle: Format,
    head: Format,
    heading: Format,
    text: Format,
    wrap: Format,
    plain_wrap: Format,
    money: Format,
    score: Format,
    percent: Format,
}

impl Formats {
    fn new() -> Self {
        let base = Format::new().set_font_name(BODY_FONT).set_font_size(11);
        let cell = base
            .clone()
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::VerticalCenter);
        Self {
            title: Format::new()
                .set_font_name(TITLE_FONT)
                .set_font_size(18)
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            subtitle: base.clone().set_align(FormatAlign::Center),
            head: cell
                .clone()
                .set_font_name(HEAD_FONT)
                .set_align(FormatAlign::Center)
                .set_text_wrap(),
            heading: Format::new()
                .set_font_name(HEAD_FONT)
                .set_font_size(12)
                .set_align(FormatAlign::VerticalCenter),
            text: cell.clone().set_text_wrap(),
            wrap: cell.clone().set_text_wrap().set_align(FormatAlign::Top),
            plain_wrap: base.set_text_wrap().set_align(FormatAlign::Top),
            money: cell.clone().set_num_format("#,##0.00"),
            score: cell.clone().set_num_format("0.00"),
            percent: cell.set_num_format("0.00%"),
        }
    }
}

/// A cell address, e.g. `C7` for row 6, column 2 (both from 0).
fn at(row: u32, col: u16) -> String {
    let letter = char::from(b'A' + u8::try_from(col).unwrap_or(0));
    format!("{letter}{}", row + 1)
}

fn number(v: Decimal) -> f64 {
    v.to_f64().unwrap_or_default()
}

/// The sum of the filed parts, when any is filed.
fn sum(parts: &[Option<Decimal>]) -> Option<Decimal> {
    parts
        .iter()
        .flatten()
        .try_fold(Decimal::ZERO, |a, b| a.checked_add(*b))
        .filter(|_| parts.iter().any(Option::is_some))
}

struct Sheet<'a> {
    ws: &'a mut Worksheet,
    row: u32,
    f: &'a Formats,
    unit: AmountUnit,
    /// Row of the funding block's 年度资金总额, once written.
    funding_row: Option<u32>,
}

impl Sheet<'_> {
    fn page(&mut self, report: &FormReport<'_>) -> Result<(), XlsxError> {
        self.ws
            .set_paper_size(9)
            .set_portrait()
            .set_print_fit_to_pages(1, 0)
            .set_print_center_horizontally(true)
            .set_margins(0.6, 0.6, 0.75, 0.75, 0.3, 0.3)
            .set_footer(format!(
                "&L&8版本 {} · 内容摘要 {}&R&8第 &P 页，共 &N 页",
                report.version, report.content_digest
            ));
        let widths = [14.0, 14.0, 16.0, 16.0, 16.0, 10.0, 10.0, 18.0];
        for (col, width) in (0u16..).zip(widths) {
            self.ws.set_column_width(col, width)?;
        }
        Ok(())
    }

    fn amount_label(&self) -> &'static str {
        match self.unit {
            AmountUnit::Yuan => "元",
            AmountUnit::WanYuan => "万元",
        }
    }

    /// Text across columns `first..=last` of this row.
    fn span(
        &mut self,
        first: u16,
        last: u16,
        text: &str,
        format: &Format,
    ) -> Result<(), XlsxError> {
        let text = cell(text);
        if first == last {
            self.ws
                .write_string_with_format(self.row, first, text.as_ref(), format)?;
        } else {
            self.ws
                .merge_range(self.row, first, self.row, last, &text, format)?;
        }
        Ok(())
    }

    /// Text across the sheet, as tall as it needs, over more rows if one cell cannot hold it.
    fn paragraph(&mut self, text: &str, format: &Format) -> Result<(), XlsxError> {
        for piece in pieces(text) {
            self.span(0, LAST_COL, piece, format)?;
            self.fit(piece, CHARS_PER_LINE)?;
            self.row += 1;
        }
        Ok(())
    }

    /// Sets this row's height for `text` in a cell of `per_line` characters a line.
    fn fit(&mut self, text: &str, per_line: usize) -> Result<(), XlsxError> {
        let lines: usize = text
            .split('\n')
            .map(|l| l.chars().count().div_ceil(per_line.max(1)).max(1))
            .sum();
        let height = (lines as f64 * 15.0 + 4.0).clamp(18.0, MAX_ROW_HEIGHT);
        self.ws.set_row_height(self.row, height)?;
        Ok(())
    }

    fn heading(&mut self, text: &str) -> Result<(), XlsxError> {
        self.ws.set_row_height(self.row, 24)?;
        self.span(0, LAST_COL, text, &self.f.heading.clone())?;
        self.row += 1;
        Ok(())
    }

    fn title(&mut self, report: &FormReport<'_>) -> Result<(), XlsxError> {
        let d = report.document;
        self.ws.set_row_height(self.row, 36)?;
        self.span(0, LAST_COL, &super::layout::title(d), &self.f.title.clone())?;
        self.row += 1;
        let sub = format!("（{}年度）", d.fiscal_year);
        self.span(0, LAST_COL, &sub, &self.f.subtitle.clone())?;
        self.row += 1;
        Ok(())
    }

    /// An amount, blank when not filed.
    fn money(&mut self, col: u16, v: Option<Decimal>) -> Result<(), XlsxError> {
        self.figure(col, v, &self.f.money.clone())
    }

    fn figure(&mut self, col: u16, v: Option<Decimal>, format: &Format) -> Result<(), XlsxError> {
        match v {
            Some(v) => self
                .ws
                .write_number_with_format(self.row, col, number(v), format)?,
            None => self.ws.write_blank(self.row, col, format)?,
        };
        Ok(())
    }

    /// A sum cell: the formula over `range` when the filed figure is that sum (or nothing was
    /// filed but parts were), else the figure as filed.
    fn total(
        &mut self,
        col: u16,
        filed: Option<Decimal>,
        parts: &[Option<Decimal>],
        range: &str,
        format: &Format,
    ) -> Result<(), XlsxError> {
        // Nothing filed stays blank (read back, a computed sum would be a figure nobody filed).
        match (filed, sum(parts)) {
            (Some(f), Some(c)) if f == c => self.formula(col, range, c, format),
            _ => self.figure(col, filed, format),
        }
    }

    fn formula(
        &mut self,
        col: u16,
        range: &str,
        result: Decimal,
        format: &Format,
    ) -> Result<(), XlsxError> {
        let formula =
            Formula::new(format!("=SUM({range})")).set_result(result.normalize().to_string());
        self.ws
            .write_formula_with_format(self.row, col, formula, format)?;
        Ok(())
    }

    fn pair(&mut self, label: &str, value: Option<&str>) -> Result<(), XlsxError> {
        let (head, text) = (self.f.head.clone(), self.f.text.clone());
        for (i, piece) in pieces(value.unwrap_or("")).into_iter().enumerate() {
            self.span(0, 1, if i == 0 { label } else { "（续）" }, &head)?;
            self.span(2, LAST_COL, piece, &text)?;
            self.fit(piece, 34)?;
            self.row += 1;
        }
        Ok(())
    }

    /// 项目支出绩效自评表.
    fn project(&mut self, report: &FormReport<'_>) -> Result<(), XlsxError> {
        let d = report.document;
        let (head, text) = (self.f.head.clone(), self.f.text.clone());
        self.title(report)?;
        self.span(0, 0, "项目名称", &head)?;
        self.span(1, LAST_COL, d.project_name.as_deref().unwrap_or(""), &text)?;
        self.row += 1;
        self.span(0, 0, "主管部门", &head)?;
        self.span(1, 3, d.competent_department.as_deref().unwrap_or(""), &text)?;
        self.span(4, 4, "实施单位", &head)?;
        self.span(
            5,
            LAST_COL,
            d.implementing_unit.as_deref().unwrap_or(""),
            &text,
        )?;
        self.row += 1;
        self.labelled_pair(
            ("预算编码", d.budget_code.as_deref()),
            ("评价方式", d.evaluation_method.as_deref()),
        )?;
        self.funding(d)?;
        self.goals(d, "年度总体目标")?;
        let indicators = self.indicators(d)?;
        self.project_total(d, indicators)?;
        self.closing(report)?;
        let preparer = d.preparer.clone().unwrap_or_default();
        self.labelled_pair(
            ("填报人", preparer.name.as_deref()),
            ("联系电话", preparer.phone.as_deref()),
        )?;
        let date = super::layout::date(d.report_date);
        self.labelled_pair(("报告日期", date.as_deref()), ("制表", d.issuer.as_deref()))?;
        // The narrative after the form, as the Word form has it.
        let plain = self.f.plain_wrap.clone();
        for section in &d.sections {
            self.heading(&section.title)?;
            if let Some(body) = section.body.as_deref().filter(|b| !b.is_empty()) {
                self.paragraph(body, &plain)?;
            }
        }
        if let Some(list) = super::layout::evidence(d) {
            self.row += 1;
            self.grid(&list)?;
        }
        Ok(())
    }

    /// Two labelled values on one row: A, B–D, E, F–H.
    fn labelled_pair(
        &mut self,
        (left, left_value): (&str, Option<&str>),
        (right, right_value): (&str, Option<&str>),
    ) -> Result<(), XlsxError> {
        let (head, text) = (self.f.head.clone(), self.f.text.clone());
        self.span(0, 0, left, &head)?;
        self.span(1, 3, left_value.unwrap_or(""), &text)?;
        self.span(4, 4, right, &head)?;
        self.span(5, LAST_COL, right_value.unwrap_or(""), &text)?;
        self.row += 1;
        Ok(())
    }

    /// The funding block: 年初预算数, 全年预算数, 全年执行数, 分值, 执行率, 得分.
    fn funding(&mut self, d: &ReportDocument) -> Result<(), XlsxError> {
        let head = self.f.head.clone();
        let first = self.row;
        // The national form's four rows, then 基本支出 / 项目支出 where the form had them.
        let kinds = super::layout::funding_kinds(d);
        let last = first + u32::try_from(kinds.len()).unwrap_or(4);
        let label = format!("项目资金（{}）", self.amount_label());
        self.ws.merge_range(first, 0, last, 0, &label, &head)?;
        for (col, h) in (1u16..).zip([
            "",
            "年初预算数",
            "全年预算数",
            "全年执行数",
            "分值",
            "执行率",
            "得分",
        ]) {
            self.span(col, col, h, &head)?;
        }
        self.row += 1;
        let line = |k: FundingLineKind| d.funding.iter().find(|l| l.line == k);
        let parts = |f: LineFigure| {
            kinds[1..4]
                .iter()
                .map(|k| line(*k).and_then(f))
                .collect::<Vec<_>>()
        };
        self.funding_row = Some(self.row);
        for kind in kinds.iter().copied() {
            let l = line(kind);
            self.span(1, 1, labels::funding_line(kind), &head)?;
            let money = self.f.money.clone();
            let columns: [(u16, LineFigure); 3] = [
                (2, |l| l.initial_budget),
                (3, |l| l.adjusted_budget),
                (4, |l| l.executed),
            ];
            for (col, get) in columns {
                let filed = l.and_then(get);
                if kind == FundingLineKind::Total {
                    let range = format!("{}:{}", at(self.row + 1, col), at(self.row + 3, col));
                    self.total(col, filed, &parts(get), &range, &money)?;
                } else {
                    self.money(col, filed)?;
                }
            }
            let score = self.f.score.clone();
            self.figure(5, l.and_then(|l| l.weight), &score)?;
            let percent = self.f.percent.clone();
            match (
                l.and_then(|l| l.executed),
                l.and_then(|l| l.adjusted_budget),
                l.and_then(|l| l.declared_rate),
            ) {
                // A rate the unit filed is printed as filed (a percent), not recomputed.
                (_, _, Some(rate)) => {
                    let share = rate.checked_div(Decimal::ONE_HUNDRED).unwrap_or_default();
                    self.ws
                        .write_number_with_format(self.row, 6, number(share), &percent)?;
                }
                (Some(e), Some(b), None) if b > Decimal::ZERO => {
                    let formula = Formula::new(format!("={}/{}", at(self.row, 4), at(self.row, 3)))
                        .set_result(e.checked_div(b).unwrap_or_default().round_dp(6).to_string());
                    self.ws
                        .write_formula_with_format(self.row, 6, formula, &percent)?;
                }
                _ => {
                    self.ws.write_blank(self.row, 6, &percent)?;
                }
            }
            self.figure(7, l.and_then(|l| l.declared_score), &score)?;
            self.row += 1;
        }
        Ok(())
    }

    /// Qualitative goals: 预期目标 and 实际完成情况.
    fn goals(&mut self, d: &ReportDocument, label: &str) -> Result<(), XlsxError> {
        let (head, wrap) = (self.f.head.clone(), self.f.wrap.clone());
        let first = self.row;
        let rows = u32::try_from(d.qualitative_goals.len().max(1)).unwrap_or(1);
        self.ws
            .merge_range(first, 0, first + rows, 0, label, &head)?;
        self.span(1, 4, "预期目标", &head)?;
        self.span(5, LAST_COL, "实际完成情况", &head)?;
        self.row += 1;
        if d.qualitative_goals.is_empty() {
            self.span(1, 4, "", &wrap)?;
            self.span(5, LAST_COL, "", &wrap)?;
            self.row += 1;
        }
        for g in &d.qualitative_goals {
            let (e, a) = (
                g.expected.as_deref().unwrap_or(""),
                g.actual.as_deref().unwrap_or(""),
            );
            self.span(1, 4, e, &wrap)?;
            self.span(5, LAST_COL, a, &wrap)?;
            let longest = if e.chars().count() > a.chars().count() {
                e
            } else {
                a
            };
            self.fit(longest, 20)?;
            self.row += 1;
        }
        Ok(())
    }

    /// The indicator table; returns the rows of its figures (first and last), if any.
    fn indicators(&mut self, d: &ReportDocument) -> Result<Option<(u32, u32)>, XlsxError> {
        let head = self.f.head.clone();
        for (col, h) in (0u16..).zip(super::layout::PROJECT_INDICATOR_HEADER) {
            self.span(col, col, h, &head)?;
        }
        self.row += 1;
        let first = self.row;
        let mut i = 0;
        while i < d.indicators.len() {
            // Runs of the same 一级 / 二级 share one merged cell, as on the paper form.
            let run = |j: usize, same: &dyn Fn(&IndicatorDoc, &IndicatorDoc) -> bool| {
                d.indicators[j..]
                    .iter()
                    .take_while(|x| same(x, &d.indicators[j]))
                    .count()
            };
            let cat = run(i, &|a, b| a.category == b.category);
            self.merged_label(0, cat, labels::category(d.indicators[i].category))?;
            let mut j = i;
            while j < i + cat {
                let sub = run(j, &|a, b| {
                    a.category == b.category && a.subcategory == b.subcategory
                })
                .min(i + cat - j);
                self.merged_label(1, sub, labels::subcategory(d.indicators[j].subcategory))?;
                for ind in &d.indicators[j..j + sub] {
                    self.indicator(ind)?;
                }
                j += sub;
            }
            i += cat;
        }
        Ok((self.row > first).then(|| (first, self.row - 1)))
    }

    /// A label merged over the next `rows` rows of column `col` (the rows are written after).
    fn merged_label(&mut self, col: u16, rows: usize, text: &str) -> Result<(), XlsxError> {
        let text_format = self.f.text.clone();
        let last = self.row + u32::try_from(rows.max(1)).unwrap_or(1) - 1;
        if last == self.row {
            self.ws
                .write_string_with_format(self.row, col, text, &text_format)?;
        } else {
            self.ws
                .merge_range(self.row, col, last, col, text, &text_format)?;
        }
        Ok(())
    }

    fn indicator(&mut self, ind: &IndicatorDoc) -> Result<(), XlsxError> {
        let (wrap, score) = (self.f.text.clone(), self.f.score.clone());
        let value = |v: Option<&ValueDoc>| v.map_or(String::new(), |v| v.text.clone());
        let reason = super::layout::reason_and_measures(ind);
        let cells = [
            (2, ind.name.clone().unwrap_or_default()),
            (3, value(Some(&ind.target))),
            (4, value(ind.actual.as_ref())),
            (7, reason),
        ];
        let mut longest = 0;
        for (col, text) in &cells {
            self.ws
                .write_string_with_format(self.row, *col, cell(text).as_ref(), &wrap)?;
            longest = longest.max(text.chars().count() / 8 + text.matches('\n').count());
        }
        self.figure(5, ind.weight, &score)?;
        self.figure(6, ind.declared_score, &score)?;
        let height = ((longest + 1) as f64 * 15.0).clamp(18.0, MAX_ROW_HEIGHT);
        self.ws.set_row_height(self.row, height)?;
        self.row += 1;
        Ok(())
    }

    /// 总分 (分值 and 得分 of the funding block's total row and of the indicators) and 自评等级.
    fn project_total(
        &mut self,
        d: &ReportDocument,
        rows: Option<(u32, u32)>,
    ) -> Result<(), XlsxError> {
        let (head, score, text) = (
            self.f.head.clone(),
            self.f.score.clone(),
            self.f.text.clone(),
        );
        self.span(0, 4, "总分", &head)?;
        let funding = d.funding.iter().find(|l| l.line == FundingLineKind::Total);
        let weights: Vec<_> = d
            .indicators
            .iter()
            .map(|i| i.weight)
            .chain([funding.and_then(|l| l.weight)])
            .collect();
        let scores: Vec<_> = d
            .indicators
            .iter()
            .map(|i| i.declared_score)
            .chain([funding.and_then(|l| l.declared_score)])
            .collect();
        // The indicators' column and the funding total row's (分值 in F; 得分 in G for the
        // indicators, H for the funding block).
        let range = |col: u16, funding_col: u16| {
            let mut parts = Vec::new();
            if let Some((a, b)) = rows {
                parts.push(format!("{}:{}", at(a, col), at(b, col)));
            }
            if let Some(r) = self.funding_row {
                parts.push(at(r, funding_col));
            }
            parts.join(",")
        };
        let (weight_range, score_range) = (range(5, 5), range(6, 7));
        self.total(5, sum(&weights), &weights, &weight_range, &score)?;
        self.total(6, d.declared_score, &scores, &score_range, &score)?;
        self.span(7, 7, "", &text)?;
        self.row += 1;
        self.span(0, 4, "自评等级", &head)?;
        self.span(
            5,
            LAST_COL,
            d.declared_grade.as_deref().unwrap_or(""),
            &text,
        )?;
        self.row += 1;
        Ok(())
    }
}
