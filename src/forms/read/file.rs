//! What a handed-in file is, and the limits every reader works within. A file is recognised
//! by its content, not its name: a zip holding `word/document.xml` is a Word document, one
//! holding `xl/workbook.xml` a workbook; an OLE compound file with a `Workbook` stream is an
//! Excel 97–2003 workbook (`.xls`); anything else must be text (UTF-8, UTF-16 with its byte
//! order mark, or GB18030/GBK, the encodings Chinese Word saves text in).
//!
//! Limits (SECURITY.md): a file of at most [`MAX_FILE_BYTES`]; a zip of at most [`MAX_ENTRIES`]
//! parts, each inflated with its declared size enforced, [`MAX_INFLATED`] in all (zip bombs
//! stop there); XML nested at most [`MAX_DEPTH`] deep, with no document type declaration (so no
//! entity can expand); at most [`MAX_CELLS`] cells within [`MAX_ROWS`] × [`MAX_COLUMNS`] per
//! sheet, checked before a sheet is laid out in memory.

use std::io::Read;

/// Largest file read.
pub const MAX_FILE_BYTES: usize = 16 * 1024 * 1024;
/// Most parts in a zip container.
pub const MAX_ENTRIES: usize = 2_000;
/// Most bytes all the parts of a zip may inflate to.
pub const MAX_INFLATED: u64 = 64 * 1024 * 1024;
/// Deepest XML nesting read.
pub const MAX_DEPTH: usize = 256;
/// Most cells read from a workbook.
pub const MAX_CELLS: usize = 200_000;
/// Rows of a sheet read (a form has tens).
pub const MAX_ROWS: u32 = 10_000;
/// Columns of a sheet read (a form has eight to twelve).
pub const MAX_COLUMNS: u32 = 100;

/// Why a file could not be read at all (a coded error; a file that is read but has gaps
/// gives a draft with warnings instead).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    /// Stable code: `FORM_TOO_LARGE`, `FORM_UNREADABLE` or `FORM_UNSUPPORTED`.
    pub code: &'static str,
    /// What to do, in Chinese.
    pub message: String,
}

impl ReadError {
    /// Beyond a limit.
    pub fn too_large(what: &str) -> Self {
        Self {
            code: "FORM_TOO_LARGE",
            message: format!("文件超出读取上限：{what}；请拆分或精简后再导入"),
        }
    }

    /// Damaged or not what it claims to be.
    pub fn unreadable(what: &str) -> Self {
        Self {
            code: "FORM_UNREADABLE",
            message: format!("文件无法读取：{what}；请用 Word 或 Excel 打开后另存一份再导入"),
        }
    }

    /// A kind of file the readers do not take.
    pub fn unsupported(what: &str) -> Self {
        Self {
            code: "FORM_UNSUPPORTED",
            message: format!(
                "不支持的文件：{what}；请提交 .docx、.xlsx、.xls 或 .txt（Word 另存为“纯文本”）"
            ),
        }
    }
}

/// The kinds of file read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A Word document (.docx).
    Docx,
    /// A workbook (.xlsx).
    Xlsx,
    /// An Excel 97–2003 workbook (.xls).
    Xls,
    /// Text.
    Text,
}

/// The kind of `bytes`, by content.
pub fn kind(bytes: &[u8]) -> Result<Kind, ReadError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(ReadError::too_large(&format!(
            "文件 {} 字节，上限 {MAX_FILE_BYTES} 字节",
            bytes.len()
        )));
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        let zip = Zip::open(bytes)?;
        if zip.has("word/document.xml") {
            return Ok(Kind::Docx);
        }
        if zip.has("xl/workbook.xml") {
            return Ok(Kind::Xlsx);
        }
        return Err(ReadError::unsupported(
            "这是一个压缩包，但不是 Word 文档（.docx）或 Excel 工作簿（.xlsx）",
        ));
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Ok(Kind::Xls);
    }
    if bytes.starts_with(b"%PDF") {
        return Err(ReadError::unsupported("PDF 文件不能读回为草稿"));
    }
    Ok(Kind::Text)
}

/// Text of a text file: UTF-8 (with or without a byte order mark), UTF-16 with its mark, or
/// else GB18030 (which covers GBK and GB2312). NUL and other control characters that no form
/// holds make it not text.
pub fn text(bytes: &[u8]) -> Result<String, ReadError> {
    let (text, _, malformed) = match encoding_rs::Encoding::for_bom(bytes) {
        Some((encoding, _)) => encoding.decode(bytes),
        None => match std::str::from_utf8(bytes) {
            Ok(s) => (std::borrow::Cow::Borrowed(s), encoding_rs::UTF_8, false),
            Err(_) => encoding_rs::GB18030.decode(bytes),
        },
    };
    if malformed {
        return Err(ReadError::unreadable(
            "文字编码无法识别（应为 UTF-8 或 GBK）",
        ));
    }
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{c}'))
    {
        return Err(ReadError::unsupported("含有控制字符，不是文本文件"));
    }
    Ok(text.into_owned())
}

/// A zip container opened within the limits.
pub struct Zip<'a> {
    archive: zip::ZipArchive<std::io::Cursor<&'a [u8]>>,
}

impl<'a> Zip<'a> {
    /// Opens `bytes`, refusing more than [`MAX_ENTRIES`] parts.
    pub fn open(bytes: &'a [u8]) -> Result<Self, ReadError> {
        let archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
            .map_err(|_| ReadError::unreadable("压缩结构损坏"))?;
        if archive.len() > MAX_ENTRIES {
            return Err(ReadError::too_large(&format!(
                "压缩包含 {} 个部件，上限 {MAX_ENTRIES}",
                archive.len()
            )));
        }
        Ok(Self { archive })
    }

    /// Whether the container holds `name`.
    pub fn has(&self, name: &str) -> bool {
        self.archive.index_for_name(name).is_some()
    }

    /// Inflates every part once, each within its declared size and all within
    /// [`MAX_INFLATED`], so that a reader given the container after this never meets a bomb.
    pub fn check_all(&mut self) -> Result<(), ReadError> {
        let mut total = 0u64;
        for i in 0..self.archive.len() {
            let mut part = self
                .archive
                .by_index(i)
                .map_err(|_| ReadError::unreadable("压缩部件损坏"))?;
            let declared = part.size();
            total = total.saturating_add(declared);
            if total > MAX_INFLATED {
                return Err(inflated_too_large());
            }
            let read = std::io::copy(&mut (&mut part).take(declared + 1), &mut std::io::sink())
                .map_err(|_| ReadError::unreadable("压缩部件损坏"))?;
            if read != declared {
                return Err(ReadError::unreadable("压缩部件的实际大小与声明不符"));
            }
        }
        Ok(())
    }

    /// One part as text, at most [`MAX_INFLATED`] bytes whatever its header says.
    pub fn text(&mut self, name: &str) -> Result<String, ReadError> {
        let part = self
            .archive
            .by_name(name)
            .map_err(|_| ReadError::unreadable(&format!("缺少部件 {name}")))?;
        let mut bytes = Vec::new();
        part.take(MAX_INFLATED + 1)
            .read_to_end(&mut bytes)
            .map_err(|_| ReadError::unreadable(&format!("部件 {name} 损坏")))?;
        if bytes.len() as u64 > MAX_INFLATED {
            return Err(inflated_too_large());
        }
        String::from_utf8(bytes)
            .map_err(|_| ReadError::unreadable(&format!("部件 {name} 不是 UTF-8 文本")))
    }
}

fn inflated_too_large() -> ReadError {
    ReadError::too_large(&format!("解压后超过 {MAX_INFLATED} 字节"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zip_of(parts: &[(&str, &[u8])]) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, bytes) in parts {
            zip.start_file(*name, options).expect("start");
            zip.write_all(bytes).expect("write");
        }
        zip.finish().expect("finish").into_inner()
    }

    #[test]
    fn files_are_known_by_their_content() {
        let docx = zip_of(&[("word/document.xml", b"<w:document/>")]);
        assert_eq!(kind(&docx), Ok(Kind::Docx));
        let xlsx = zip_of(&[("xl/workbook.xml", b"<workbook/>")]);
        assert_eq!(kind(&xlsx), Ok(Kind::Xlsx));
        let other = zip_of(&[("a.txt", b"x")]);
        assert_eq!(kind(&other).map_err(|e| e.code), Err("FORM_UNSUPPORTED"));
        assert_eq!(
            kind(b"%PDF-1.4").map_err(|e| e.code),
            Err("FORM_UNSUPPORTED")
        );
        assert_eq!(kind("部门".as_bytes()), Ok(Kind::Text));
        assert_eq!(
            kind(b"PK\x03\x04garbage").map_err(|e| e.code),
            Err("FORM_UNREADABLE")
        );
        let big = vec![b' '; MAX_FILE_BYTES + 1];
        assert_eq!(kind(&big).map_err(|e| e.code), Err("FORM_TOO_LARGE"));
    }

    #[test]
    fn text_in_the_encodings_word_saves() {
        let (gbk, _, _) = encoding_rs::GBK.encode("部门整体支出绩效评价自评报告");
        assert_eq!(text(&gbk).as_deref(), Ok("部门整体支出绩效评价自评报告"));
        assert_eq!(text("\u{feff}联系人".as_bytes()).as_deref(), Ok("联系人"));
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("评价".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(text(&utf16).as_deref(), Ok("评价"));
        assert_eq!(text(b"a\0b").map_err(|e| e.code), Err("FORM_UNSUPPORTED"));
    }

    #[test]
    fn a_zip_bomb_stops_at_the_limit() {
        // 100 MiB of zeros deflate to about 100 KiB.
        let zeros = vec![0u8; 100 * 1024 * 1024];
        let bomb = zip_of(&[("word/document.xml", &zeros)]);
        assert!(bomb.len() < 1024 * 1024, "{}", bomb.len());
        let mut zip = Zip::open(&bomb).expect("opens");
        assert_eq!(zip.check_all().map_err(|e| e.code), Err("FORM_TOO_LARGE"));
        assert_eq!(
            zip.text("word/document.xml").map_err(|e| e.code),
            Err("FORM_TOO_LARGE")
        );
    }
}
