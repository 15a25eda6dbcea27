//! A Word document (.docx) as [`Block`]s: the paragraphs of the body and its tables, each
//! table cell with the grid columns it spans (`w:gridSpan`) and whether it continues the cell
//! above (`w:vMerge`). A table inside a cell gives its text to that cell. Read as a stream of
//! XML events (no tree, no recursion), within the limits of [`super::file`].

use super::file::{MAX_DEPTH, ReadError, Zip};
use super::{Block, Cell, Location, Table};
use quick_xml::events::Event;

/// The blocks of the Word document in `bytes`.
pub fn blocks(bytes: &[u8]) -> Result<Vec<Block>, ReadError> {
    let mut zip = Zip::open(bytes)?;
    let xml = zip.text("word/document.xml")?;
    parse(&xml)
}

/// What is being read.
#[derive(Default)]
struct State {
    blocks: Vec<Block>,
    /// Paragraphs outside tables so far.
    paragraphs: usize,
    /// Tables so far.
    tables: usize,
    /// The open top-level table.
    table: Option<Table>,
    /// Depth of tables (a table in a cell is 2).
    table_depth: usize,
    /// The open row's cells.
    row: Vec<Cell>,
    /// The open top-level cell.
    cell: Option<Cell>,
    /// The open paragraph's text.
    text: String,
    /// Inside `w:t` (or `w:instrText`, which is not text).
    in_text: bool,
    /// Grid column of the open cell.
    column: usize,
}

/// The document part's XML as blocks.
pub fn parse(xml: &str) -> Result<Vec<Block>, ReadError> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut s = State::default();
    let mut depth = 0usize;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| ReadError::unreadable(&format!("XML 格式错误（{e}）")))?;
        match event {
            Event::Start(e) => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(ReadError::too_large(&format!(
                        "XML 嵌套超过 {MAX_DEPTH} 层"
                    )));
                }
                s.open(e.local_name().as_ref(), &e);
            }
            Event::Empty(e) => {
                s.open(e.local_name().as_ref(), &e);
                s.close(e.local_name().as_ref());
            }
            Event::End(e) => {
                depth = depth.saturating_sub(1);
                s.close(e.local_name().as_ref());
            }
            Event::Text(t) if s.in_text => s.text.push_str(&t.xml10_content()),
            Event::CData(t) if s.in_text => {
                s.text.push_str(&t.into_inner());
            }
            Event::GeneralRef(r) if s.in_text => match r.resolve_char_ref() {
                Ok(Some(c)) => s.text.push(c),
                _ => match r.xml10_content().as_ref() {
                    "amp" => s.text.push('&'),
                    "lt" => s.text.push('<'),
                    "gt" => s.text.push('>'),
                    "quot" => s.text.push('"'),
                    "apos" => s.text.push('\''),
                    other => {
                        return Err(ReadError::unreadable(&format!("未定义的实体 &{other};")));
                    }
                },
            },
            Event::DocType(_) => {
                return Err(ReadError::unsupported("XML 含有文档类型声明（DTD）"));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(s.blocks)
}

impl State {
    fn open(&mut self, name: &str, e: &quick_xml::events::BytesStart<'_>) {
        match name {
            "tbl" => {
                self.table_depth += 1;
                if self.table_depth == 1 {
                    self.tables += 1;
                    self.table = Some(Table::default());
                }
            }
            "tr" if self.table_depth == 1 => {
                self.row.clear();
                self.column = 0;
            }
            "tc" if self.table_depth == 1 => {
                let rows = self.table.as_ref().map_or(0, |t| t.rows.len());
                self.cell = Some(Cell {
                    at: Location::TableCell {
                        table: self.tables,
                        row: rows + 1,
                        column: self.column + 1,
                    },
                    text: String::new(),
                    span: 1,
                    continued: false,
                });
            }
            "gridSpan" if self.table_depth == 1 => {
                let span = attribute(e, "val")
                    .and_then(|v| v.parse::<usize>().ok())
                    .unwrap_or(1)
                    .clamp(1, 1_000);
                if let Some(c) = self.cell.as_mut() {
                    c.span = span;
                }
            }
            "vMerge" if self.table_depth == 1 => {
                // `restart` begins a merge; no value (or `continue`) continues the one above.
                let restart = attribute(e, "val").is_some_and(|v| v == "restart");
                if let Some(c) = self.cell.as_mut() {
                    c.continued = !restart;
                }
            }
            "t" => self.in_text = true,
            "tab" if !self.in_text => self.text.push('\t'),
            "br" | "cr" => self.text.push('\n'),
            _ => {}
        }
    }

    fn close(&mut self, name: &str) {
        match name {
            "t" => self.in_text = false,
            "p" => self.end_paragraph(),
            "tc" if self.table_depth == 1 => {
                if let Some(mut c) = self.cell.take() {
                    if c.text.ends_with('\n') {
                        c.text.pop();
                    }
                    self.column += c.span;
                    self.row.push(c);
                }
            }
            "tr" if self.table_depth == 1 => {
                if let Some(t) = self.table.as_mut() {
                    t.rows.push(std::mem::take(&mut self.row));
                }
            }
            "tbl" => {
                self.table_depth = self.table_depth.saturating_sub(1);
                if self.table_depth == 0
                    && let Some(t) = self.table.take()
                {
                    self.blocks.push(Block::Table(t));
                }
            }
            _ => {}
        }
    }

    /// A paragraph ends: in a cell its text joins the cell's (one line each), outside tables
    /// it is a block (empty paragraphs are dropped).
    fn end_paragraph(&mut self) {
        let text = std::mem::take(&mut self.text);
        if let Some(c) = self.cell.as_mut() {
            c.text.push_str(&text);
            c.text.push('\n');
        } else if self.table_depth == 0 {
            self.paragraphs += 1;
            if !text.trim().is_empty() {
                self.blocks.push(Block::Paragraph {
                    at: Location::Paragraph(self.paragraphs),
                    text,
                });
            }
        }
    }
}

/// The value of attribute `name` (any prefix), unescaped.
fn attribute(e: &quick_xml::events::BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}
