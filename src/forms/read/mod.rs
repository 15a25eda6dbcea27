//! Reading official forms back in: a Word document, a workbook or the text Word saves becomes
//! a draft in the `upsertReport` shape, with every fragment that could not be placed and every
//! warning, each with where it was found. Nothing here writes: saving a draft is an ordinary
//! `upsertReport`. A number that cannot be read is left blank with a warning, never guessed.
//!
//! Every reader first turns its file into [`Block`]s (paragraphs and tables of cells, as Word
//! holds them); the form readers work on blocks, so one form reader serves `.docx` and `.txt`.

pub mod docx;
pub mod file;
#[cfg(test)]
mod file_tests;
pub mod number;
pub mod overall;
pub mod project;
#[cfg(test)]
mod round_trip;
pub mod sheet;
pub mod text;

use crate::domain::report::ReportDocument;
use std::fmt;

/// Where a fragment was found, as the person who filled the form can look it up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A line of a text file (1-based).
    Line(usize),
    /// A paragraph of a Word document outside tables (1-based).
    Paragraph(usize),
    /// A cell of a Word table (all 1-based).
    TableCell {
        /// Table, counted from the start of the document.
        table: usize,
        /// Row in the table.
        row: usize,
        /// Column (grid column where the row has merged cells).
        column: usize,
    },
    /// A cell of a worksheet, e.g. `Sheet1!C5`.
    SheetCell {
        /// Sheet name.
        sheet: String,
        /// Cell reference in A1 notation.
        cell: String,
    },
    /// The file as a whole.
    File,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Line(n) => write!(f, "第{n}行"),
            Self::Paragraph(n) => write!(f, "第{n}段"),
            Self::TableCell { table, row, column } => {
                write!(f, "表{table}第{row}行第{column}列")
            }
            Self::SheetCell { sheet, cell } => write!(f, "{sheet}!{cell}"),
            Self::File => f.write_str("全文"),
        }
    }
}

/// A piece of a document: a paragraph, or a table of cells.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A paragraph outside tables (its text without the line break).
    Paragraph {
        /// Where.
        at: Location,
        /// Text.
        text: String,
    },
    /// A table.
    Table(Table),
}

/// A table as rows of cells.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    /// Rows, top to bottom.
    pub rows: Vec<Vec<Cell>>,
}

/// A table cell. A cell merged over several columns is one cell with `span` > 1; a cell that
/// continues the cell above (vertical merge) is kept, blank, with `continued` set, so that
/// columns line up.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// Where.
    pub at: Location,
    /// Text; the cell's paragraphs joined with `\n`.
    pub text: String,
    /// Grid columns covered (1 unless merged across).
    pub span: usize,
    /// Continues the cell above (vertically merged).
    pub continued: bool,
}

/// A fragment the reader could not place in the document.
#[derive(Debug, Clone, PartialEq)]
pub struct Fragment {
    /// Where it was found.
    pub at: Location,
    /// Its text.
    pub text: String,
}

/// Something the person saving the draft should look at.
#[derive(Debug, Clone, PartialEq)]
pub struct Warning {
    /// Where.
    pub at: Location,
    /// Stable code, e.g. `NUMBER_UNREADABLE`.
    pub code: &'static str,
    /// What to check, in Chinese.
    pub message: String,
}

/// What the form does not say and the caller does.
#[derive(Debug, Clone, Default)]
pub struct Given {
    /// The department the drafts belong to (`departmentCode` of the document).
    pub department_code: String,
}

/// A report read from a form.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    /// The document, in the `upsertReport` shape; what could not be read is blank.
    pub document: ReportDocument,
    /// Fragments not placed anywhere in `document`.
    pub unplaced: Vec<Fragment>,
    /// Warnings.
    pub warnings: Vec<Warning>,
}

/// Reads a handed-in file (Word, workbook or text; recognised by content) as drafts: one for a
/// 部门整体支出 report, one per 项目支出绩效自评表 (a workbook may hold several, on one sheet or
/// on several). A file that cannot be read at all is a [`file::ReadError`]; a file read with
/// gaps gives drafts with warnings.
pub fn read(bytes: &[u8], given: &Given) -> Result<Vec<Draft>, file::ReadError> {
    let drafts = match file::kind(bytes)? {
        file::Kind::Text => forms(&text::blocks(&file::text(bytes)?), given),
        file::Kind::Docx => forms(&docx::blocks(bytes)?, given),
        file::Kind::Xlsx => sheets(sheet::xlsx(bytes)?, given),
        file::Kind::Xls => sheets(sheet::xls(bytes)?, given),
    };
    if drafts.is_empty() {
        return Err(file::ReadError::unsupported(
            "没有找到部门整体支出绩效自评报告或项目支出绩效自评表（应有“基本概况”或“项目名称”等栏目）",
        ));
    }
    Ok(drafts)
}

/// Whether texts are those of a 部门整体支出 report rather than project tables.
fn mentions_overall<'a>(mut texts: impl Iterator<Item = &'a str>) -> bool {
    texts.any(|t| t.contains("部门整体支出") || t.contains("基本概况"))
}

fn is_overall(blocks: &[Block]) -> bool {
    mentions_overall(
        blocks
            .iter()
            .flat_map(|b| -> Box<dyn Iterator<Item = &str>> {
                match b {
                    Block::Paragraph { text, .. } => Box::new(std::iter::once(text.as_str())),
                    Block::Table(t) => Box::new(cells_of(t)),
                }
            }),
    )
}

fn cells_of(t: &Table) -> impl Iterator<Item = &str> {
    t.rows.iter().flatten().map(|c| c.text.as_str())
}

/// The forms in a document's blocks: the 部门整体支出 report, or the project tables (with the
/// paragraphs around them as one-cell rows, so a title above a table is read with it).
fn forms(blocks: &[Block], given: &Given) -> Vec<Draft> {
    if is_overall(blocks) {
        return vec![overall::overall(blocks, given)];
    }
    // The narrative after the last table belongs to the report the table holds.
    let end = blocks
        .iter()
        .rposition(|b| matches!(b, Block::Table(_)))
        .map_or(blocks.len(), |i| i + 1);
    let (form, after) = blocks.split_at(end);
    let mut table = Table::default();
    for b in form {
        match b {
            Block::Paragraph { at, text } => table.rows.push(vec![Cell {
                at: at.clone(),
                text: text.clone(),
                span: 1,
                continued: false,
            }]),
            Block::Table(t) => table.rows.extend(t.rows.iter().cloned()),
        }
    }
    let mut drafts = project::projects(&table, given);
    if !after.is_empty() {
        let (sections, unplaced) = overall::sections(after);
        match drafts.as_mut_slice() {
            [one] => {
                one.document.sections = sections;
                one.unplaced.extend(unplaced);
            }
            [.., last] => last.unplaced.extend(after.iter().filter_map(|b| match b {
                Block::Paragraph { at, text } => Some(Fragment {
                    at: at.clone(),
                    text: text.clone(),
                }),
                Block::Table(_) => None,
            })),
            [] => {}
        }
    }
    drafts
}

/// The forms on a workbook's sheets, each sheet read as blocks (a row of one cell is a
/// paragraph) like a Word document.
fn sheets(sheets: Vec<(String, Table)>, given: &Given) -> Vec<Draft> {
    let mut drafts = Vec::new();
    for (_, table) in sheets {
        drafts.extend(forms(&as_blocks(table), given));
    }
    drafts
}

/// A sheet as blocks: a row with one non-blank cell is a paragraph, runs of other rows are
/// tables (blank rows dropped).
fn as_blocks(table: Table) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut current = Table::default();
    for row in table.rows {
        let filled: Vec<&Cell> = row.iter().filter(|c| !c.text.trim().is_empty()).collect();
        match filled.as_slice() {
            [] => {}
            [one] if !row.iter().any(|c| c.continued) => {
                if !current.rows.is_empty() {
                    blocks.push(Block::Table(std::mem::take(&mut current)));
                }
                blocks.push(Block::Paragraph {
                    at: one.at.clone(),
                    text: one.text.clone(),
                });
            }
            _ => current.rows.push(row),
        }
    }
    if !current.rows.is_empty() {
        blocks.push(Block::Table(current));
    }
    blocks
}

/// Files read at once: one per CPU (reading is CPU work; more would only queue on the cores).
static READERS: std::sync::LazyLock<tokio::sync::Semaphore> = std::sync::LazyLock::new(|| {
    tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get()))
});

/// [`read`] off the request threads, at most one file per CPU at a time.
pub async fn read_async(bytes: Vec<u8>, given: Given) -> Result<Vec<Draft>, file::ReadError> {
    let _permit = READERS
        .acquire()
        .await
        .map_err(|_| file::ReadError::unreadable("读取服务已停止"))?;
    tokio::task::spawn_blocking(move || read(&bytes, &given))
        .await
        .unwrap_or_else(|_| Err(file::ReadError::unreadable("读取中止")))
}
