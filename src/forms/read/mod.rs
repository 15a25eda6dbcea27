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
