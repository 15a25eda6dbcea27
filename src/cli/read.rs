//! Reading import files: JSON Lines streamed, a JSON array or object whole, each entry a
//! report, a department or a scoring profile, each failure with its place.

use crate::domain::assessment::profile::Rules;
use crate::domain::department::DepartmentData;
use crate::domain::report::exchange::Line;
use crate::error::AppError;
use std::io::{BufRead, BufReader};
use std::path::Path;

/// A scoring profile as `export` writes it (its version is the database's own).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileLine {
    /// Unique code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Region it applies to; none for national.
    pub jurisdiction: Option<String>,
    /// First fiscal year.
    pub year_from: Option<i32>,
    /// Last fiscal year.
    pub year_to: Option<i32>,
    /// The rules.
    pub rules: Rules,
}

/// One entry of an import file.
#[derive(Debug)]
pub enum Entry {
    /// `{"department": {...}}`.
    Department(DepartmentData),
    /// `{"scoringProfile": {...}}`.
    Profile(Box<ProfileLine>),
    /// `{"externalId": ..., "document": {...}}`.
    Report(Box<Line>),
}

/// How `export` writes the entries that are not reports.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Written<'a> {
    /// A department line.
    Department(&'a DepartmentData),
    /// A scoring-profile line.
    ScoringProfile(&'a ProfileLine),
}

/// Where a document was in its file: a line of JSON Lines, or an item of a JSON array.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Place {
    /// The file.
    pub file: String,
    /// Line number (JSON Lines), from 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// Item number (a JSON array or object), from 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item: Option<usize>,
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.line, self.item) {
            (Some(n), _) => write!(f, "{} 第 {n} 行", self.file),
            (_, Some(n)) => write!(f, "{} 第 {n} 项", self.file),
            _ => write!(f, "{}", self.file),
        }
    }
}

/// One refused document: where it was, whose it was, and why, as `--errors-out` writes it.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Failure {
    /// Where the document was.
    #[serde(flatten)]
    pub place: Place,
    /// Its externalId, where it could be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// Stable code: `INVALID_JSON` (not JSON), `BAD_USER_INPUT` (JSON, but not a report
    /// document), or a `UserErrorCode` of the write (`REQUIRED`, `INVALID_DECIMAL`, …).
    pub code: String,
    /// The field, dot-separated (`document.finance.units.0.name`), where one is known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// What is wrong, in Chinese.
    pub message: String,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.place)?;
        if let Some(id) = &self.external_id {
            write!(f, "（{id}）")?;
        }
        write!(f, "：[{}] ", self.code)?;
        if let Some(field) = &self.field {
            write!(f, "{field}：")?;
        }
        write!(f, "{}", self.message)
    }
}

/// The documents of one file, read one at a time: JSON Lines are streamed; a JSON array or a
/// single JSON object is read whole. Unreadable entries come back as failures with their place.
pub(super) enum Source {
    Lines(
        String,
        std::iter::Enumerate<std::io::Lines<BufReader<std::fs::File>>>,
    ),
    Items(
        String,
        std::iter::Enumerate<std::vec::IntoIter<serde_json::Value>>,
    ),
}

impl Source {
    /// The file read.
    pub(super) fn path(&self) -> Option<&Path> {
        match self {
            Source::Lines(name, _) | Source::Items(name, _) => Some(Path::new(name.as_str())),
        }
    }

    /// Opens a file of reports, with the number of documents in it. A file that is not JSON
    /// or JSON Lines at all (a Word text, a table) is refused whole, with one error, rather
    /// than read as hundreds of bad lines.
    pub(super) fn open(path: &Path) -> Result<(Source, u64), AppError> {
        let name = path.display().to_string();
        let bad = |e: &dyn std::fmt::Display| AppError::BadUserInput(format!("{name}：{e}"));
        let file = std::fs::File::open(path).map_err(|e| bad(&e))?;
        let mut reader = BufReader::new(file);
        let first = reader
            .fill_buf()
            .map_err(|e| bad(&e))?
            .iter()
            .copied()
            .find(|b| !b.is_ascii_whitespace());
        if !matches!(first, Some(b'[' | b'{') | None) {
            return Err(AppError::BadUserInput(format!(
                "{name} 不是报告文件：应为 JSON（一个报告对象或报告数组）或 JSON Lines（每行一个报告对象，见 jixiao export 的输出），未导入任何内容。若这是 Word、Excel 或文本格式的自评报告/自评表，请先读成草稿：jixiao import-form {name} --department 部门编码 --out drafts.jsonl，核对提示后再 jixiao import drafts.jsonl"
            )));
        }
        let whole =
            first == Some(b'[') || path.extension().and_then(|e| e.to_str()) == Some("json");
        if whole {
            let value: serde_json::Value = serde_json::from_reader(reader).map_err(|e| bad(&e))?;
            let items = match value {
                serde_json::Value::Array(items) => items,
                one => vec![one],
            };
            let n = items.len() as u64;
            Ok((Source::Items(name, items.into_iter().enumerate()), n))
        } else {
            // Count the documents first (one cheap pass), for the progress bar's total.
            let count = BufReader::new(std::fs::File::open(path).map_err(|e| bad(&e))?)
                .split(b'\n')
                .map_while(Result::ok)
                .filter(|l| l.iter().any(|b| !b.is_ascii_whitespace()))
                .count() as u64;
            Ok((Source::Lines(name, reader.lines().enumerate()), count))
        }
    }

    pub(super) fn next(&mut self) -> Option<(Place, Result<Entry, Failure>)> {
        let fail = |place: Place, code: &str, message: String| Failure {
            place,
            external_id: None,
            code: code.to_owned(),
            field: None,
            message,
        };
        match self {
            Source::Lines(file, lines) => loop {
                let (i, line) = lines.next()?;
                let place = Place {
                    file: file.clone(),
                    line: Some(i + 1),
                    item: None,
                };
                match line {
                    Err(e) => {
                        let failure = fail(place.clone(), "INVALID_JSON", e.to_string());
                        return Some((place, Err(failure)));
                    }
                    Ok(l) if l.trim().is_empty() => continue,
                    Ok(l) => {
                        let read = match serde_json::from_str(&l) {
                            Err(e) => Err(fail(
                                place.clone(),
                                "INVALID_JSON",
                                format!("不是 JSON：{e}"),
                            )),
                            Ok(v) => document(v).map_err(|(id, code, e)| Failure {
                                external_id: id,
                                ..fail(place.clone(), code, e)
                            }),
                        };
                        return Some((place, read));
                    }
                }
            },
            Source::Items(file, items) => {
                let (i, v) = items.next()?;
                let place = Place {
                    file: file.clone(),
                    line: None,
                    item: Some(i + 1),
                };
                let read = document(v).map_err(|(id, code, e)| Failure {
                    external_id: id,
                    ..fail(place.clone(), code, e)
                });
                Some((place, read))
            }
        }
    }
}

/// Reads one entry: every string passes the request guard (no control characters), and
/// every decimal the strict grammar (the `Decimal` scalar's), as over GraphQL. A refusal
/// carries the externalId where the JSON has one.
fn document(value: serde_json::Value) -> Result<Entry, (Option<String>, &'static str, String)> {
    let id = value
        .get("externalId")
        .and_then(|v| v.as_str())
        .map(|s| s.chars().take(200).collect::<String>());
    let coded = |message: String| {
        // The guard and the decimal grammar say `CODE：message`, as over GraphQL.
        for code in ["INVALID_CHARACTER", "INVALID_DECIMAL", "OUT_OF_RANGE"] {
            if let Some((_, rest)) = message.split_once(&format!("{code}：")) {
                return (code, rest.to_owned());
            }
        }
        (
            "BAD_USER_INPUT",
            format!("内容不符合格式（报告、部门或评分规则）：{message}"),
        )
    };
    crate::graphql::input_guard::check_json(&value).map_err(|e| {
        let (code, message) = coded(e);
        (id.clone(), code, message)
    })?;
    let fail = |e: serde_json::Error| {
        let (code, message) = coded(e.to_string());
        (id.clone(), code, message)
    };
    let mut value = value;
    if let Some(d) = value.get_mut("department").map(serde_json::Value::take) {
        return serde_json::from_value(d)
            .map(Entry::Department)
            .map_err(fail);
    }
    if let Some(p) = value.get_mut("scoringProfile").map(serde_json::Value::take) {
        return serde_json::from_value(p)
            .map(|p| Entry::Profile(Box::new(p)))
            .map_err(fail);
    }
    serde_json::from_value(value)
        .map(|l| Entry::Report(Box::new(l)))
        .map_err(fail)
}
