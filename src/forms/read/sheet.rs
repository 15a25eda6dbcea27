//! Workbooks (.xlsx, .xls) as one [`Table`] per sheet, merged regions as spans (across) and
//! continued cells (down), every cell's text as shown (numbers in their shortest exact
//! decimal form, dates as 2020年7月11日). Cells are located as `Sheet1!C5`.
//!
//! calamine lays a sheet out densely between its first and last cell, so the extent is
//! checked first: for .xlsx by streaming the cells, for .xls by scanning the BIFF records of
//! the compound file; a sheet beyond [`MAX_ROWS`] × [`MAX_COLUMNS`] or a workbook beyond
//! [`MAX_CELLS`] is refused before anything is laid out. A panic inside the parsers is caught
//! and reported as an unreadable file.

use super::file::{MAX_CELLS, MAX_COLUMNS, MAX_ROWS, ReadError, Zip};
use super::{Cell, Location, Table};
use calamine::{Data, DataRef, Dimensions, Reader};
use std::collections::BTreeMap;
use std::io::{Cursor, Read};

/// A sheet's cells by (row, column), from 0, as text.
type Cells = BTreeMap<(u32, u32), String>;

/// The sheets of the .xlsx workbook in `bytes`.
pub fn xlsx(bytes: &[u8]) -> Result<Vec<(String, Table)>, ReadError> {
    Zip::open(bytes)?.check_all()?;
    guarded(|| {
        let mut book = calamine::Xlsx::new(Cursor::new(bytes))
            .map_err(|e| ReadError::unreadable(&format!("工作簿结构损坏（{e}）")))?;
        let mut out = Vec::new();
        let mut total = 0usize;
        for name in book.sheet_names() {
            let mut cells = Cells::new();
            {
                let mut reader = book
                    .worksheet_cells_reader(&name)
                    .map_err(|e| ReadError::unreadable(&format!("工作表“{name}”损坏（{e}）")))?;
                while let Some(cell) = reader
                    .next_cell()
                    .map_err(|e| ReadError::unreadable(&format!("工作表“{name}”损坏（{e}）")))?
                {
                    let (row, col) = cell.get_position();
                    within(&name, row, col, &mut total)?;
                    let text = shown_ref(cell.get_value());
                    if !text.is_empty() {
                        cells.insert((row, col), text);
                    }
                }
            }
            let merges = book.merge_cells_by_sheet_name(&name).unwrap_or_default();
            out.push((name.clone(), table(&name, &cells, &merges)));
        }
        Ok(out)
    })
}

/// The sheets of the .xls workbook in `bytes`.
pub fn xls(bytes: &[u8]) -> Result<Vec<(String, Table)>, ReadError> {
    guarded(|| {
        extent_of_xls(bytes)?;
        let mut book = calamine::Xls::new(Cursor::new(bytes))
            .map_err(|e| ReadError::unreadable(&format!("工作簿结构损坏（{e}）")))?;
        let mut out = Vec::new();
        for name in book.sheet_names() {
            let range = book
                .worksheet_range(&name)
                .map_err(|e| ReadError::unreadable(&format!("工作表“{name}”损坏（{e}）")))?;
            let mut cells = Cells::new();
            if let Some((r0, c0)) = range.start() {
                for (r, row) in (r0..).zip(range.rows()) {
                    for (c, v) in (c0..).zip(row) {
                        let text = shown(v);
                        if !text.is_empty() {
                            cells.insert((r, c), text);
                        }
                    }
                }
            }
            let merges = book.merge_cells_by_sheet_name(&name).unwrap_or_default();
            out.push((name.clone(), table(&name, &cells, &merges)));
        }
        Ok(out)
    })
}

/// Runs a parser, turning a panic inside it into an unreadable file.
fn guarded<T>(f: impl FnOnce() -> Result<T, ReadError>) -> Result<T, ReadError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
        .unwrap_or_else(|_| Err(ReadError::unreadable("工作簿内容异常，解析中止")))
}

/// Counts a cell and checks it is within the limits.
fn within(sheet: &str, row: u32, col: u32, total: &mut usize) -> Result<(), ReadError> {
    *total += 1;
    if row >= MAX_ROWS || col >= MAX_COLUMNS {
        return Err(ReadError::too_large(&format!(
            "工作表“{sheet}”有内容超出 {MAX_ROWS} 行 × {MAX_COLUMNS} 列"
        )));
    }
    if *total > MAX_CELLS {
        return Err(ReadError::too_large(&format!("单元格超过 {MAX_CELLS} 个")));
    }
    Ok(())
}

/// Scans the BIFF records of an .xls for the position of every cell, so that a sheet's
/// extent is known to be within the limits before calamine lays it out.
fn extent_of_xls(bytes: &[u8]) -> Result<(), ReadError> {
    let mut file = cfb::CompoundFile::open(Cursor::new(bytes))
        .map_err(|_| ReadError::unreadable("复合文档结构损坏"))?;
    let stream = ["/Workbook", "/Book"]
        .into_iter()
        .find(|s| file.is_stream(s))
        .ok_or_else(|| {
            ReadError::unsupported(
                "这是 Office 97–2003 文件，但不是 Excel 工作簿（.doc 请另存为 .docx）",
            )
        })?;
    let mut data = Vec::new();
    file.open_stream(stream)
        .map_err(|_| ReadError::unreadable("工作簿数据流损坏"))?
        .take(super::file::MAX_INFLATED + 1)
        .read_to_end(&mut data)
        .map_err(|_| ReadError::unreadable("工作簿数据流损坏"))?;
    if data.len() as u64 > super::file::MAX_INFLATED {
        return Err(ReadError::too_large("工作簿数据流过大"));
    }
    let (mut at, mut total) = (0usize, 0usize);
    while let Some(header) = data.get(at..at + 4) {
        let kind = u16::from_le_bytes([header[0], header[1]]);
        let len = usize::from(u16::from_le_bytes([header[2], header[3]]));
        let body = data.get(at + 4..at + 4 + len).unwrap_or_default();
        let u16_at = |i: usize| {
            body.get(i..i + 2)
                .map_or(0, |b| u32::from(u16::from_le_bytes([b[0], b[1]])))
        };
        match kind {
            // BLANK, NUMBER, LABEL, BOOLERR, RK, LABELSST, FORMULA, RSTRING: row, column.
            0x0201 | 0x0203 | 0x0204 | 0x0205 | 0x027E | 0x00FD | 0x0006 | 0x00D6 => {
                within("", u16_at(0), u16_at(2), &mut total)?;
            }
            // MULRK, MULBLANK: row, first column, …, last column.
            0x00BD | 0x00BE if len >= 6 => {
                let (row, first, last) = (u16_at(0), u16_at(2), u16_at(len - 2));
                for col in first..=last.max(first) {
                    within("", row, col, &mut total)?;
                }
            }
            _ => {}
        }
        at += 4 + len;
    }
    Ok(())
}

/// A sheet's cells with its merged regions as a table: a region's first cell spans its
/// columns, its first column continues down its rows, its other cells are left out.
fn table(sheet: &str, cells: &Cells, merges: &[Dimensions]) -> Table {
    let rows = cells.keys().map(|(r, _)| r + 1).max().unwrap_or(0);
    let cols = cells.keys().map(|(_, c)| c + 1).max().unwrap_or(0);
    // Merged regions clipped to the cells' extent (a region may claim the whole sheet).
    let mut covered: BTreeMap<(u32, u32), (u32, bool)> = BTreeMap::new();
    for m in merges.iter().take(MAX_CELLS) {
        let (r0, c0) = m.start;
        let (r1, c1) = (
            m.end.0.min(rows.saturating_sub(1)),
            m.end.1.min(cols.saturating_sub(1)),
        );
        if r0 > r1 || c0 > c1 || r0 >= rows || c0 >= cols {
            continue;
        }
        let span = c1 - c0 + 1;
        covered.insert((r0, c0), (span, false));
        for r in r0..=r1 {
            for c in c0..=c1 {
                if (r, c) == (r0, c0) {
                    continue;
                }
                // The first column of a lower row continues the region; the rest is covered.
                let mark = if c == c0 { (span, true) } else { (0, false) };
                covered.insert((r, c), mark);
            }
        }
    }
    let mut table = Table::default();
    for r in 0..rows {
        let mut row = Vec::new();
        for c in 0..cols {
            let (span, continued) = covered.get(&(r, c)).copied().unwrap_or((1, false));
            if span == 0 {
                continue;
            }
            row.push(Cell {
                at: Location::SheetCell {
                    sheet: sheet.to_owned(),
                    cell: a1(r, c),
                },
                text: if continued {
                    String::new()
                } else {
                    cells.get(&(r, c)).cloned().unwrap_or_default()
                },
                span: span as usize,
                continued,
            });
        }
        table.rows.push(row);
    }
    table
}

/// `C5` for row 4, column 2 (both from 0).
pub fn a1(row: u32, col: u32) -> String {
    let mut letters = Vec::new();
    let mut n = col + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect::<String>() + &(row + 1).to_string()
}

/// A number as its shortest exact decimal text (`680.54`, not `680.5400000000001`).
fn number(f: f64) -> String {
    if !f.is_finite() {
        return String::new();
    }
    let text = format!("{f}");
    text.strip_suffix(".0").map_or(text.clone(), str::to_owned)
}

/// A spreadsheet date as 2020年7月11日 (a duration as its number of days).
fn date(d: &calamine::ExcelDateTime) -> String {
    if d.is_duration() {
        return number(d.as_f64());
    }
    let (y, m, day, ..) = d.to_ymd_hms_milli();
    format!("{y}年{m}月{day}日")
}

fn shown_ref(v: &DataRef<'_>) -> String {
    match v {
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => number(*f),
        DataRef::String(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_owned(),
        DataRef::Bool(b) => if *b { "是" } else { "否" }.to_owned(),
        DataRef::DateTime(d) => date(d),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(_) | DataRef::Empty => String::new(),
    }
}

fn shown(v: &Data) -> String {
    match v {
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number(*f),
        Data::String(s) => s.clone(),
        Data::Bool(b) => if *b { "是" } else { "否" }.to_owned(),
        Data::DateTime(d) => date(d),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(_) | Data::Empty => String::new(),
    }
}
