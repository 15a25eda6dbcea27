//! 部门整体支出绩效自评报告 on a sheet: the Word form's layout (`forms::layout`, the table shapes
//! of the reference report), so that the workbook reads back like the Word form. Paragraphs are
//! rows across the sheet; each table sits on the sheet's first columns, one grid column each
//! (a reader lines a table's rows up by their cells, so every row of a table keeps the same
//! columns), merged cells as in Word, figures as numbers and, where the form sums and the filed
//! figure is that sum, formulas.

use super::*;
use crate::forms::layout::{self, Grid, GridCell, Item, Merge, Sum};

impl Sheet<'_> {
    /// 部门整体支出绩效自评报告, in the order and shapes of the reference report.
    pub(super) fn overall(&mut self, report: &FormReport<'_>) -> Result<(), XlsxError> {
        let (title, subtitle, plain) = (
            self.f.title.clone(),
            self.f.subtitle.clone(),
            self.f.plain_wrap.clone(),
        );
        for item in layout::page(report) {
            match item {
                Item::Title(t) => {
                    self.ws.set_row_height(self.row, 36)?;
                    self.span(0, LAST_COL, &t, &title)?;
                    self.row += 1;
                }
                Item::Subtitle(t) => {
                    self.span(0, LAST_COL, &t, &subtitle)?;
                    self.row += 1;
                }
                Item::Heading(t) => self.heading(&t)?,
                Item::Text(t) => self.paragraph(&t, &plain)?,
                // A one-cell table longer than a cell holds (the narrative may be): its text
                // goes on over rows, as a paragraph does, so that nothing is cut.
                Item::Table(g) => match g.rows.as_slice() {
                    [row] if row.len() == 1 && row[0].text.chars().count() > MAX_CELL_CHARS => {
                        self.paragraph(&row[0].text, &plain)?;
                    }
                    _ => self.grid(&g)?,
                },
            }
        }
        Ok(())
    }

    /// A table of the layout from this row on.
    pub(super) fn grid(&mut self, g: &Grid) -> Result<(), XlsxError> {
        let top = self.row;
        let (head, text, money) = (
            self.f.head.clone(),
            self.f.text.clone(),
            self.f.money.clone(),
        );
        for (r, row) in g.rows.iter().enumerate() {
            let at_row = top + u32::try_from(r).unwrap_or(u32::MAX);
            let mut col = 0usize;
            let mut lines = 1usize;
            for c in row {
                let first = u16::try_from(col).unwrap_or(LAST_COL);
                col += c.span;
                let mut last = u16::try_from(col - 1).unwrap_or(LAST_COL);
                // A row of one cell (a table's title, the narrative) goes across the sheet: read
                // back it is one cell either way.
                if row.len() == 1 {
                    last = last.max(LAST_COL);
                }
                if c.merge == Merge::Continue {
                    continue;
                }
                let down = if c.merge == Merge::Start {
                    g.rows
                        .get(r + 1..)
                        .unwrap_or_default()
                        .iter()
                        .take_while(|below| {
                            cell_at(below, usize::from(first))
                                .is_some_and(|b| b.merge == Merge::Continue)
                        })
                        .count()
                } else {
                    0
                };
                let bottom = at_row + u32::try_from(down).unwrap_or(0);
                let format = if c.head {
                    &head
                } else if c.number.is_some() {
                    &money
                } else {
                    &text
                };
                if bottom > at_row || last > first {
                    self.ws
                        .merge_range(at_row, first, bottom, last, &cell(&c.text), format)?;
                }
                self.write(c, top, at_row, first, format)?;
                let width = usize::from(last - first + 1) * CHARS_PER_LINE / 8;
                if down == 0 {
                    let needed: usize = c
                        .text
                        .split('\n')
                        .map(|l| l.chars().count().div_ceil(width.max(1)).max(1))
                        .sum();
                    lines = lines.max(needed);
                }
            }
            let height = (lines as f64 * 15.0 + 4.0).clamp(18.0, MAX_ROW_HEIGHT);
            self.ws.set_row_height(at_row, height)?;
        }
        self.row = top + u32::try_from(g.rows.len()).unwrap_or(0);
        Ok(())
    }

    /// One cell's content: a sum as a formula, a figure as a number, else text.
    fn write(
        &mut self,
        c: &GridCell,
        top: u32,
        row: u32,
        col: u16,
        format: &Format,
    ) -> Result<(), XlsxError> {
        match (c.number, &c.sum) {
            (Some(v), Some(sum)) => {
                let range = match sum {
                    Sum::Row(cols) => cols
                        .iter()
                        .map(|c| at(row, u16::try_from(*c).unwrap_or(0)))
                        .collect::<Vec<_>>()
                        .join(","),
                    Sum::Column(a, b) => {
                        let (a, b) = (
                            top + u32::try_from(*a).unwrap_or(0),
                            top + u32::try_from(*b).unwrap_or(0),
                        );
                        format!("{}:{}", at(a, col), at(b, col))
                    }
                };
                self.row = row;
                self.formula(col, &range, v, format)
            }
            (Some(v), None) => {
                self.ws
                    .write_number_with_format(row, col, number(v), format)?;
                Ok(())
            }
            (None, _) => {
                self.ws
                    .write_string_with_format(row, col, cell(&c.text).as_ref(), format)?;
                Ok(())
            }
        }
    }

    /// The evaluators with their signatures, and the opinions.
    pub(super) fn closing(&mut self, report: &FormReport<'_>) -> Result<(), XlsxError> {
        let d = report.document;
        let (head, text) = (self.f.head.clone(), self.f.text.clone());
        self.heading("评价人员")?;
        for (first, last, h) in [
            (0, 0, "姓名"),
            (1, 1, "职务/职称"),
            (2, 4, "单位"),
            (5, 5, "角色"),
            (6, 7, "签署"),
        ] {
            self.span(first, last, h, &head)?;
        }
        self.row += 1;
        for e in &d.evaluators {
            let signed = crate::forms::layout::signature_of(report, e.subject.as_deref());
            self.span(0, 0, &e.name, &text)?;
            self.span(1, 1, e.position.as_deref().unwrap_or(""), &text)?;
            self.span(2, 4, e.unit.as_deref().unwrap_or(""), &text)?;
            self.span(5, 5, labels::evaluator_role(e.role), &text)?;
            self.span(6, 7, &signed, &text)?;
            self.row += 1;
        }
        self.heading("意见")?;
        for o in &d.opinions {
            let mut body = o.text.clone().unwrap_or_default();
            let sign = [
                o.person.as_deref().map(|p| format!("负责人：{p}")),
                o.date
                    .map(|x| format!("日期：{}", x.format("%Y年%-m月%-d日"))),
            ];
            let sign: Vec<_> = sign.into_iter().flatten().collect();
            if !sign.is_empty() {
                body.push('\n');
                body.push_str(&sign.join("　"));
            }
            self.pair(labels::opinion(o.kind), Some(&body))?;
        }
        Ok(())
    }
}

/// The cell of `row` that covers grid column `col`.
fn cell_at(row: &[GridCell], col: usize) -> Option<&GridCell> {
    let mut at = 0;
    row.iter().find(|c| {
        let hit = (at..at + c.span).contains(&col);
        at += c.span;
        hit
    })
}
