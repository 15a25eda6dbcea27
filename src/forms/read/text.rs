//! The text Word saves ("纯文本"): paragraphs are lines; each table cell is a line that starts
//! with a TAB; a cell's further paragraphs follow on lines without the TAB, each after one blank
//! line (a line break inside a paragraph gives no blank line); a row ends with one blank line.
//!
//! So the blank lines before the next TAB line tell where it stands: none or an even number
//! (the cell before ended with empty paragraphs) keep the row, an odd number starts a new row.
//! A line without the TAB after none or an odd number of blank lines continues the cell before;
//! after an even number the table has ended (its last row, then an empty paragraph) and the line
//! is a paragraph. Word writes a vertically merged cell as an empty one: the text cannot tell
//! the two apart, so `continued` is never set here and the form readers treat a blank cell
//! where a group label belongs as the one above.
//!
//! Lines may end with `\r\n`, `\n` or `\r`; a byte-order mark is skipped; empty paragraphs are
//! dropped. A cell's text is its lines as written, joined with `\n` (so its `k`-th line is line
//! `first + k` of the file), without the blank lines that end it.

use super::{Block, Cell, Location, Table};

/// The blocks of Word's plain-text export: paragraphs with their line, tables whose cells carry
/// the line they start on.
pub fn blocks(text: &str) -> Vec<Block> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let mut reader = Reader::default();
    for (index, line) in lines(text).enumerate() {
        reader.line(index + 1, line);
    }
    reader.finish()
}

/// The lines of `text`, whatever ends them (`\r\n`, `\n`, or a lone `\r`).
fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let current = rest?;
        match current.find(['\r', '\n']) {
            Some(end) => {
                let after = &current[end..];
                let skip = if after.starts_with("\r\n") { 2 } else { 1 };
                rest = after.get(skip..);
                current.get(..end)
            }
            None => {
                rest = None;
                Some(current)
            }
        }
    })
}

#[derive(Default)]
struct Reader {
    blocks: Vec<Block>,
    table: Option<Table>,
    /// Blank lines since the last line with text.
    blanks: usize,
}

impl Reader {
    fn line(&mut self, number: usize, line: &str) {
        if let Some(cells) = line.strip_prefix('\t') {
            self.cells(number, cells);
        } else if line.trim().is_empty() {
            self.blanks += 1;
        } else {
            self.text(number, line);
        }
    }

    /// A TAB line: one cell, or several where the line holds further TABs.
    fn cells(&mut self, number: usize, cells: &str) {
        let new_row = self.blanks % 2 == 1;
        self.blanks = 0;
        let table = self.table.get_or_insert_with(Table::default);
        if new_row || table.rows.is_empty() {
            table.rows.push(Vec::new());
        }
        if let Some(row) = table.rows.last_mut() {
            row.extend(cells.split('\t').map(|text| Cell {
                at: Location::Line(number),
                text: text.to_owned(),
                span: 1,
                continued: false,
            }));
        }
    }

    /// A line without TAB: the next paragraph of the last cell, or a paragraph of its own.
    fn text(&mut self, number: usize, line: &str) {
        let blanks = std::mem::take(&mut self.blanks);
        let continues = blanks == 0 || blanks % 2 == 1;
        let last_cell = self
            .table
            .as_mut()
            .filter(|_| continues)
            .and_then(|t| t.rows.last_mut())
            .and_then(|r| r.last_mut());
        if let Some(cell) = last_cell {
            for _ in 0..blanks {
                cell.text.push('\n');
            }
            cell.text.push('\n');
            cell.text.push_str(line);
            return;
        }
        self.end_table();
        self.blocks.push(Block::Paragraph {
            at: Location::Line(number),
            text: line.to_owned(),
        });
    }

    fn end_table(&mut self) {
        if let Some(table) = self.table.take() {
            self.blocks.push(Block::Table(table));
        }
    }

    fn finish(mut self) -> Vec<Block> {
        self.end_table();
        self.blocks
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(line: usize, text: &str) -> Cell {
        Cell {
            at: Location::Line(line),
            text: text.into(),
            span: 1,
            continued: false,
        }
    }

    fn paragraph(line: usize, text: &str) -> Block {
        Block::Paragraph {
            at: Location::Line(line),
            text: text.into(),
        }
    }

    /// Rows, cells and paragraphs as the reference report's export lays them out: a label cell
    /// split over two paragraphs (年度主要 / 工作内容), a cell continued by a line break, blank
    /// cells, a cell ending with an empty paragraph (two blank lines inside the row), and the
    /// table ending in an empty paragraph before the 填报人 line.
    #[test]
    fn rows_cells_and_paragraphs() {
        let text = "标题\r\n\r\n\t年度主要\r\n\r\n工作内容\r\n\t任务1\r\n\r\n任务2\r\n\r\n\
                    \t成绩\r\n\t第一段\r\n第二段\r\n\r\n\t\r\n\t指标2\r\n\r\n\r\n\t完成\r\n\r\n\
                    \t意见：\r\n\r\n   年 月 日\r\n\r\n\r\n填报人：某\r\n\t综述\r\n\r\n一、概况\r\n ";
        let expected = vec![
            paragraph(1, "标题"),
            Block::Table(Table {
                rows: vec![
                    vec![cell(3, "年度主要\n\n工作内容"), cell(6, "任务1\n\n任务2")],
                    vec![cell(10, "成绩"), cell(11, "第一段\n第二段")],
                    vec![cell(14, ""), cell(15, "指标2"), cell(18, "完成")],
                    vec![cell(20, "意见：\n\n   年 月 日")],
                ],
            }),
            paragraph(25, "填报人：某"),
            Block::Table(Table {
                rows: vec![vec![cell(26, "综述\n\n一、概况")]],
            }),
        ];
        assert_eq!(blocks(text), expected);
    }

    #[test]
    fn line_ends_and_tabs_within_a_line() {
        let lf = blocks("甲\n\t乙\t丙\n\n\t丁");
        let cr = blocks("甲\r\t乙\t丙\r\r\t丁");
        assert_eq!(lf, cr);
        assert_eq!(
            lf,
            vec![
                paragraph(1, "甲"),
                Block::Table(Table {
                    rows: vec![vec![cell(2, "乙"), cell(2, "丙")], vec![cell(4, "丁")]],
                }),
            ]
        );
        assert_eq!(blocks("\u{FEFF}甲\n\n  \n"), vec![paragraph(1, "甲")]);
        assert!(blocks("").is_empty());
    }

    /// Every line of the reference lands in a block: the cover paragraphs, the form as one
    /// table, the 填报人 line, and the narrative in the last cell.
    #[test]
    fn the_reference_export() {
        let blocks = blocks(include_str!(
            "../../../data/reference/yunxi-2019-report.txt"
        ));
        let tables: Vec<&Table> = blocks
            .iter()
            .filter_map(|b| match b {
                Block::Table(t) => Some(t),
                Block::Paragraph { .. } => None,
            })
            .collect();
        assert_eq!(blocks.len(), 12);
        assert_eq!(
            blocks.first(),
            Some(&paragraph(1, "岳阳市云溪区财政支出绩效评价自评报告"))
        );
        assert_eq!(
            blocks.get(8),
            Some(&paragraph(16, "岳阳市云溪财政局（制）"))
        );
        assert_eq!(tables.len(), 2);
        let form = tables[0];
        let row =
            |n: usize| -> Vec<&str> { form.rows[n].iter().map(|c| c.text.as_str()).collect() };
        assert_eq!(row(1), ["联系人", "葛咏芳", "联络电话", "8418758"]);
        assert_eq!(form.rows[1][3].at, Location::Line(23));
        assert_eq!(row(9).len(), 7, "income header, second row: {:?}", row(9));
        assert_eq!(row(11), ["1、局机关", "680.54", "", "604.52", "", "", "76"]);
        let indicator = form
            .rows
            .iter()
            .find(|r| r.iter().any(|c| c.text.starts_with("指标2：搭建")))
            .map(|r| r.len());
        assert_eq!(indicator, Some(5));
        assert_eq!(
            blocks.get(10),
            Some(&paragraph(
                435,
                "填报人（签名）：葛咏芳                        联系电话：8418758"
            ))
        );
        let narrative = &tables[1].rows[0][0];
        assert_eq!(narrative.at, Location::Line(436));
        assert_eq!(narrative.text.lines().count(), 517 - 436 + 1);
    }
}
