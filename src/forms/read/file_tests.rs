//! The file layers of the readers: what the Word writer writes comes back as the same
//! paragraphs and cells; workbooks come back as tables with their merged regions; hostile
//! files get coded errors within the limits; arbitrary bytes never panic.

use super::file::{self, MAX_COLUMNS, MAX_DEPTH, MAX_ROWS};
use super::{Block, Location, docx, sheet};
use crate::forms::layout::{self, Item, Merge};
use proptest::prelude::*;

use super::round_trip::{form, project, reference};

/// A paragraph's text, or a table's cells as (text, span, continued).
type Seen = Result<String, Vec<Vec<(String, usize, bool)>>>;

/// What a reader should see of a page: its non-empty lines and its tables' cells as
/// (text, span, continued).
fn expected(page: &[Item]) -> Vec<Seen> {
    let mut out = Vec::new();
    for item in page {
        match item {
            Item::Title(t) | Item::Subtitle(t) | Item::Heading(t) | Item::Text(t) => out.extend(
                t.split('\n')
                    .filter(|l| !l.trim().is_empty())
                    .map(|l| Ok(l.to_owned())),
            ),
            Item::Table(g) => out.push(Err(g
                .rows
                .iter()
                .map(|r| {
                    r.iter()
                        .map(|c| (c.text.clone(), c.span, c.merge == Merge::Continue))
                        .collect()
                })
                .collect())),
        }
    }
    out
}

fn seen(blocks: &[Block]) -> Vec<Seen> {
    blocks
        .iter()
        .map(|b| match b {
            Block::Paragraph { text, .. } => Ok(text.clone()),
            Block::Table(t) => Err(t
                .rows
                .iter()
                .map(|r| {
                    r.iter()
                        .map(|c| (c.text.clone(), c.span, c.continued))
                        .collect()
                })
                .collect()),
        })
        .collect()
}

#[test]
fn the_word_form_reads_back_as_the_layout_it_was_written_from() {
    for d in [reference(), project()] {
        let report = form(&d);
        let bytes = crate::forms::docx::document(&report).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(file::kind(&bytes), Ok(file::Kind::Docx));
        let blocks = docx::blocks(&bytes).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(seen(&blocks), expected(&layout::page(&report)));
        // Locations: paragraphs and cells say where they are.
        let table = blocks.iter().find_map(|b| match b {
            Block::Table(t) => Some(t),
            Block::Paragraph { .. } => None,
        });
        let first = table.and_then(|t| t.rows.get(1)).and_then(|r| r.get(1));
        assert!(
            matches!(
                first.map(|c| &c.at),
                Some(Location::TableCell {
                    row: 2,
                    column: 2,
                    ..
                })
            ),
            "{first:?}"
        );
    }
}

#[test]
fn the_workbook_reads_back_as_a_table_per_sheet_with_merged_cells() {
    let d = project();
    let bytes = crate::forms::workbook(&[form(&d)]).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(file::kind(&bytes), Ok(file::Kind::Xlsx));
    let sheets = sheet::xlsx(&bytes).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(sheets.len(), 1);
    let table = &sheets[0].1;
    let row = |label: &str| {
        table
            .rows
            .iter()
            .find(|r| r.first().is_some_and(|c| c.text == label))
            .unwrap_or_else(|| panic!("no row {label}"))
    };
    let name = row("项目名称");
    assert_eq!(name[1].text, "2024年度科技创新专项资金");
    assert_eq!(name[1].span, 7, "B:H merged");
    assert!(
        matches!(&name[1].at, Location::SheetCell { cell, .. } if cell.starts_with('B')),
        "{:?}",
        name[1].at
    );
    // The funding label is merged down: the rows below continue it.
    let total = table
        .rows
        .iter()
        .find(|r| r.get(1).is_some_and(|c| c.text == "年度资金总额"))
        .unwrap_or_else(|| panic!("no funding total"));
    assert!(total[0].continued);
    assert_eq!(total[2].text, "500");
    assert_eq!(total[3].text, "480");
    // Every row spans the eight columns.
    for r in &table.rows {
        assert_eq!(r.iter().map(|c| c.span).sum::<usize>(), 8, "{r:?}");
    }
}

#[test]
fn an_old_excel_workbook_reads_as_the_new_one() {
    // tests/fixtures/forms/project.xls: the service's own project workbook for
    // tests/fixtures/project-report.json, saved by LibreOffice 7.4 as Excel 97–2003.
    let bytes = include_bytes!("../../../tests/fixtures/forms/project.xls");
    assert_eq!(file::kind(bytes), Ok(file::Kind::Xls));
    let old = sheet::xls(bytes).unwrap_or_else(|e| panic!("{e:?}"));
    let d = project();
    let new = sheet::xlsx(&crate::forms::workbook(&[form(&d)]).unwrap_or_else(|e| panic!("{e:?}")))
        .unwrap_or_else(|e| panic!("{e:?}"));
    let texts = |t: &super::Table| -> Vec<Vec<(String, usize, bool)>> {
        t.rows
            .iter()
            .map(|r| {
                r.iter()
                    .map(|c| (c.text.clone(), c.span, c.continued))
                    .collect()
            })
            .collect()
    };
    assert_eq!(texts(&old[0].1), texts(&new[0].1));
}

/// A .docx holding `xml` as its document.
fn docx_of(xml: &str) -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    zip.start_file("word/document.xml", options)
        .unwrap_or_else(|e| panic!("{e}"));
    zip.write_all(xml.as_bytes())
        .unwrap_or_else(|e| panic!("{e}"));
    zip.finish().unwrap_or_else(|e| panic!("{e}")).into_inner()
}

#[test]
fn hostile_word_files_get_coded_errors() {
    let deep = format!(
        "{}{}",
        "<a>".repeat(MAX_DEPTH + 1),
        "</a>".repeat(MAX_DEPTH + 1)
    );
    let code = |xml: &str| docx::blocks(&docx_of(xml)).map(|_| ()).map_err(|e| e.code);
    assert_eq!(code(&deep), Err("FORM_TOO_LARGE"));
    let laughs = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><w:document><w:body><w:p><w:r><w:t>&lol2;</w:t></w:r></w:p></w:body></w:document>"#;
    assert_eq!(code(laughs), Err("FORM_UNSUPPORTED"));
    let unknown = "<w:document><w:p><w:r><w:t>&lol;</w:t></w:r></w:p></w:document>";
    assert_eq!(code(unknown), Err("FORM_UNREADABLE"));
    assert_eq!(
        code("<w:document><w:p>"),
        Ok(()),
        "an unclosed end is read as far as it goes"
    );
    assert_eq!(code("<w:document></w:body>"), Err("FORM_UNREADABLE"));
    let escaped = "<w:document><w:body><w:p><w:r><w:t>a&amp;b&#x4E2D;&lt;</w:t></w:r></w:p></w:body></w:document>";
    let blocks = docx::blocks(&docx_of(escaped)).unwrap_or_default();
    assert!(
        matches!(blocks.as_slice(), [Block::Paragraph { text, .. }] if text == "a&b中<"),
        "{blocks:?}"
    );
    // A span that claims a thousand columns is taken as a thousand, not trusted further.
    let wide = r#"<w:document><w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val="99999999999"/></w:tcPr><w:p/></w:tc></w:tr></w:tbl></w:document>"#;
    assert_eq!(code(wide), Ok(()));
}

/// `bytes` (a zip) with `from` replaced by `to` in part `name`.
fn edited(bytes: &[u8], name: &str, from: &str, to: &str) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut zip =
        zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap_or_else(|e| panic!("{e}"));
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).unwrap_or_else(|e| panic!("{e}"));
        let mut text = Vec::new();
        part.read_to_end(&mut text)
            .unwrap_or_else(|e| panic!("{e}"));
        let part_name = part.name().unwrap_or_default().into_owned();
        if part_name == name {
            text = String::from_utf8_lossy(&text)
                .replace(from, to)
                .into_bytes();
        }
        out.start_file(part_name, zip::write::SimpleFileOptions::default())
            .unwrap_or_else(|e| panic!("{e}"));
        out.write_all(&text).unwrap_or_else(|e| panic!("{e}"));
    }
    out.finish().unwrap_or_else(|e| panic!("{e}")).into_inner()
}

#[test]
fn a_sheet_beyond_the_limits_is_refused_before_it_is_laid_out() {
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.write_string(0, 0, "项目名称")
        .unwrap_or_else(|e| panic!("{e}"));
    ws.write_string(MAX_ROWS + 5, 16_000, "远处")
        .unwrap_or_else(|e| panic!("{e}"));
    let bytes = book.save_to_buffer().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        sheet::xlsx(&bytes).map(|_| ()).map_err(|e| e.code),
        Err("FORM_TOO_LARGE")
    );
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.write_string(0, u16::try_from(MAX_COLUMNS).unwrap_or(0), "宽")
        .unwrap_or_else(|e| panic!("{e}"));
    let bytes = book.save_to_buffer().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        sheet::xlsx(&bytes).map(|_| ()).map_err(|e| e.code),
        Err("FORM_TOO_LARGE")
    );
    // A merged region that claims the whole sheet is clipped to the cells (the workbook is
    // written with a small region, then its part edited: writers fill a region cell by cell).
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.merge_range(0, 0, 0, 1, "全表", &rust_xlsxwriter::Format::new())
        .unwrap_or_else(|e| panic!("{e}"));
    let bytes = book.save_to_buffer().unwrap_or_else(|e| panic!("{e}"));
    let bytes = edited(&bytes, "xl/worksheets/sheet1.xml", "A1:B1", "A1:XFD1048576");
    let sheets = sheet::xlsx(&bytes).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(sheets[0].1.rows.len(), 1);
}

/// An .xls whose one cell sits at row 60,000, column 200: calamine would lay out 12 million
/// cells; the scan refuses it first.
#[test]
fn an_old_workbook_beyond_the_limits_is_refused_before_it_is_laid_out() {
    use std::io::Write;
    let mut biff = Vec::new();
    let mut record = |kind: u16, body: &[u8]| {
        biff.extend(kind.to_le_bytes());
        biff.extend(u16::try_from(body.len()).unwrap_or(0).to_le_bytes());
        biff.extend(body);
    };
    record(0x0809, &[0, 6, 0x10, 0, 0, 0, 0, 0]);
    let mut number = Vec::new();
    number.extend(60_000u16.to_le_bytes());
    number.extend(200u16.to_le_bytes());
    number.extend(0u16.to_le_bytes());
    number.extend(1.0f64.to_le_bytes());
    record(0x0203, &number);
    record(0x000A, &[]);
    let mut cfb = cfb::CompoundFile::create(std::io::Cursor::new(Vec::new()))
        .unwrap_or_else(|e| panic!("{e}"));
    cfb.create_stream("/Workbook")
        .and_then(|mut s| s.write_all(&biff))
        .unwrap_or_else(|e| panic!("{e}"));
    cfb.flush().unwrap_or_else(|e| panic!("{e}"));
    let bytes = cfb.into_inner().into_inner();
    assert_eq!(file::kind(&bytes), Ok(file::Kind::Xls));
    assert_eq!(
        sheet::xls(&bytes).map(|_| ()).map_err(|e| e.code),
        Err("FORM_TOO_LARGE")
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let _ = file::kind(&bytes);
        let _ = file::text(&bytes);
        let _ = docx::blocks(&bytes);
        let _ = sheet::xlsx(&bytes);
        let _ = sheet::xls(&bytes);
    }

    #[test]
    fn arbitrary_word_xml_never_panics(xml in "(<w:(tbl|tr|tc|p|t|tab|br|gridSpan w:val=\"[0-9]{0,3}\"|vMerge( w:val=\"restart\")?)/?>|</w:(tbl|tr|tc|p|t)>|[a-z&;#x0-9中 ]{0,4}){0,60}") {
        let _ = docx::parse(&xml);
    }

    #[test]
    fn damaged_workbooks_never_panic(cut in 0usize..4000, flip in any::<u8>(), at in 0usize..4000) {
        let d = project();
        let mut bytes = crate::forms::workbook(&[form(&d)]).unwrap_or_default();
        let len = bytes.len().max(1);
        if let Some(b) = bytes.get_mut(at % len) {
            *b ^= flip;
        }
        bytes.truncate(bytes.len().saturating_sub(cut % 64));
        let _ = sheet::xlsx(&bytes);
    }
}
