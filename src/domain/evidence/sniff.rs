//! What a file is, from its content: the media type sniffed from its first bytes (and, for the
//! zip-based formats, from the names of its parts), checked against what its name and declared
//! type claim; and its file name made safe to keep and to send back.

use std::io::{Read, Seek, SeekFrom};

/// PDF.
pub const PDF: &str = "application/pdf";
/// OFD (GB/T 33190, the Chinese fixed-layout format).
pub const OFD: &str = "application/ofd";
/// JPEG.
pub const JPEG: &str = "image/jpeg";
/// PNG.
pub const PNG: &str = "image/png";
/// TIFF (scans).
pub const TIFF: &str = "image/tiff";
/// Word (.docx).
pub const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
/// Excel (.xlsx).
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The media types the service recognises, with their file-name extensions.
pub const KNOWN: [(&str, &[&str]); 7] = [
    (PDF, &["pdf"]),
    (OFD, &["ofd"]),
    (JPEG, &["jpg", "jpeg"]),
    (PNG, &["png"]),
    (TIFF, &["tif", "tiff"]),
    (DOCX, &["docx"]),
    (XLSX, &["xlsx"]),
];

/// The default allow-list (`JIXIAO_EVIDENCE_TYPES`).
pub const DEFAULT_ALLOWED: [&str; 7] = [PDF, OFD, JPEG, PNG, TIFF, DOCX, XLSX];

/// Most parts a zip-based file may hold for its type to be read (a real .docx has about 20).
const MAX_ZIP_ENTRIES: u64 = 10_000;

/// The media type of a file's content, or `None` when it is none of [`KNOWN`].
pub fn sniff(file: &mut std::fs::File, size: u64) -> std::io::Result<Option<&'static str>> {
    let mut head = [0u8; 1024];
    file.seek(SeekFrom::Start(0))?;
    let n = read_up_to(file, &mut head)?;
    let head = &head[..n];
    if head.windows(5).any(|w| w == b"%PDF-") {
        return Ok(Some(PDF));
    }
    if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Ok(Some(JPEG));
    }
    if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok(Some(PNG));
    }
    if head.starts_with(b"II*\0") || head.starts_with(b"MM\0*") {
        return Ok(Some(TIFF));
    }
    if head.starts_with(b"PK\x03\x04") {
        return zip_kind(file, size);
    }
    Ok(None)
}

/// The type of a zip by its parts: a Word or Excel file, or an OFD package. The entry count is
/// read from the end record before the directory is, so a zip of a million entries costs
/// nothing.
fn zip_kind(file: &mut std::fs::File, size: u64) -> std::io::Result<Option<&'static str>> {
    let tail_len = size.min(66 * 1024);
    file.seek(SeekFrom::Start(size - tail_len))?;
    let mut tail = vec![0u8; usize::try_from(tail_len).unwrap_or(0)];
    file.read_exact(&mut tail)?;
    let Some(end) = tail.windows(4).rposition(|w| w == b"PK\x05\x06") else {
        return Ok(None);
    };
    let Some(count) = tail.get(end + 10..end + 12) else {
        return Ok(None);
    };
    let count = u64::from(u16::from_le_bytes([count[0], count[1]]));
    if count == 0 || count >= MAX_ZIP_ENTRIES.min(0xFFFF) {
        return Ok(None);
    }
    file.seek(SeekFrom::Start(0))?;
    let Ok(archive) = zip::ZipArchive::new(&mut *file) else {
        return Ok(None);
    };
    let has = |name: &str| archive.file_names().any(|n| n.is_ok_and(|n| n == name));
    Ok(if has("word/document.xml") {
        Some(DOCX)
    } else if has("xl/workbook.xml") {
        Some(XLSX)
    } else if has("OFD.xml") {
        Some(OFD)
    } else {
        None
    })
}

fn read_up_to(file: &mut std::fs::File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match file.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

/// The media type a file name's extension claims, if it is one of [`KNOWN`].
pub fn by_extension(file_name: &str) -> Option<&'static str> {
    let (_, ext) = file_name.rsplit_once('.')?;
    let ext = ext.to_ascii_lowercase();
    KNOWN
        .iter()
        .find(|(_, exts)| exts.contains(&ext.as_str()))
        .map(|(t, _)| *t)
}

/// A declared media type reduced to its essence (`Application/PDF; x=y` → `application/pdf`);
/// `None` for none, or for the types that claim nothing (`application/octet-stream`).
pub fn declared(content_type: Option<&str>) -> Option<String> {
    let essence = content_type?
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match essence.as_str() {
        "" | "application/octet-stream" | "binary/octet-stream" => None,
        // Older names of the same types.
        "image/jpg" | "image/pjpeg" => Some(JPEG.to_owned()),
        "application/x-pdf" => Some(PDF.to_owned()),
        _ => Some(essence),
    }
}

/// Longest file name kept, in characters.
pub const MAX_FILE_NAME: usize = 255;

/// Why a file name is refused.
#[derive(Debug, PartialEq, Eq)]
pub enum BadName {
    /// Empty once the folder part is removed.
    Empty,
    /// Longer than [`MAX_FILE_NAME`] characters.
    TooLong,
    /// Holds a control character or a bidirectional override (which can disguise an
    /// extension: `合同\u{202E}fdp.exe` shows as `合同exe.pdf`).
    Control,
}

/// The file name to keep: the last part of what the client sent (browsers on Windows once sent
/// `C:\\…\\合同.pdf`), with its characters kept exactly; refused when it holds control or
/// bidirectional-override characters, is empty, or is too long.
pub fn file_name(sent: &str) -> Result<String, BadName> {
    let base = sent.rsplit(['/', '\\']).next().unwrap_or("").trim();
    if base.chars().any(|c| {
        c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
    }) {
        return Err(BadName::Control);
    }
    if base.is_empty() || base == "." || base == ".." {
        return Err(BadName::Empty);
    }
    if base.chars().count() > MAX_FILE_NAME {
        return Err(BadName::TooLong);
    }
    Ok(base.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn file_of(bytes: &[u8]) -> (std::fs::File, u64) {
        let mut f = tempfile::tempfile().unwrap();
        f.write_all(bytes).unwrap();
        (f, bytes.len() as u64)
    }

    fn zip_of(names: &[&str]) -> Vec<u8> {
        let mut out = std::io::Cursor::new(Vec::new());
        let mut w = zip::ZipWriter::new(&mut out);
        for n in names {
            w.start_file(*n, zip::write::SimpleFileOptions::default())
                .unwrap();
            w.write_all(b"<x/>").unwrap();
        }
        w.finish().unwrap();
        out.into_inner()
    }

    #[test]
    fn types_are_known_by_their_content() {
        let cases: Vec<(Vec<u8>, Option<&str>)> = vec![
            (b"%PDF-1.7\n...".to_vec(), Some(PDF)),
            (vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10], Some(JPEG)),
            (b"\x89PNG\r\n\x1a\n\0\0".to_vec(), Some(PNG)),
            (b"II*\0\x08\0".to_vec(), Some(TIFF)),
            (
                zip_of(&["[Content_Types].xml", "word/document.xml"]),
                Some(DOCX),
            ),
            (zip_of(&["xl/workbook.xml"]), Some(XLSX)),
            (zip_of(&["OFD.xml", "Doc_0/Document.xml"]), Some(OFD)),
            (zip_of(&["other.txt"]), None),
            (b"MZ\x90\0".to_vec(), None),
            (b"PK\x03\x04 broken".to_vec(), None),
            (Vec::new(), None),
        ];
        for (bytes, expected) in cases {
            let (mut f, size) = file_of(&bytes);
            assert_eq!(
                sniff(&mut f, size).unwrap(),
                expected,
                "{:?}",
                &bytes[..bytes.len().min(8)]
            );
        }
    }

    #[test]
    fn names_keep_their_characters_and_lose_their_folders() {
        assert_eq!(
            file_name("云溪区2019年合同.pdf").as_deref(),
            Ok("云溪区2019年合同.pdf")
        );
        assert_eq!(
            file_name("C:\\Users\\张三\\验收单.jpg").as_deref(),
            Ok("验收单.jpg")
        );
        assert_eq!(file_name("../../etc/passwd").as_deref(), Ok("passwd"));
        assert_eq!(file_name("a\u{0}b.pdf"), Err(BadName::Control));
        assert_eq!(file_name("合同\u{202E}fdp.exe"), Err(BadName::Control));
        assert_eq!(file_name("dir/"), Err(BadName::Empty));
        assert_eq!(file_name(".."), Err(BadName::Empty));
        assert_eq!(file_name(&"长".repeat(1000)), Err(BadName::TooLong));
        assert_eq!(by_extension("a.PDF"), Some(PDF));
        assert_eq!(by_extension("a.exe"), None);
        assert_eq!(declared(Some("Application/PDF; q=1")).as_deref(), Some(PDF));
        assert_eq!(declared(Some("application/octet-stream")), None);
    }
}
