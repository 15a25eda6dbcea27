//! Command-line exchange: `jixiao import`, `jixiao export`, `jixiao generate`. They work on the
//! database directly, as a system ADMIN (whoever runs them already holds the database).

use crate::domain::department::{self, DepartmentData};
use crate::domain::report::exchange::{self, ItemResult, Line};
use crate::domain::report::service::WriteKind;
use crate::domain::{Db, Role, Viewer};
use crate::error::AppError;
use std::collections::HashSet;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

/// The viewer the CLI acts as.
fn system() -> Viewer {
    Viewer {
        subject: Some("jixiao-cli".into()),
        name: Some("jixiao".into()),
        roles: vec![Role::Admin],
        departments: vec!["*".into()],
    }
}

/// Counts of an import.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ImportSummary {
    /// Reports created.
    pub created: u64,
    /// Reports changed.
    pub updated: u64,
    /// Documents identical to what was stored.
    pub unchanged: u64,
    /// Documents refused or unreadable.
    pub failed: u64,
}

impl ImportSummary {
    /// Documents read.
    pub fn total(&self) -> u64 {
        self.created + self.updated + self.unchanged + self.failed
    }
}

fn files(path: &Path) -> Result<Vec<PathBuf>, AppError> {
    if path.is_dir() {
        let mut out: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(|e| AppError::BadUserInput(format!("无法读取目录 {}：{e}", path.display())))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                matches!(
                    p.extension().and_then(|e| e.to_str()),
                    Some("json" | "jsonl")
                )
            })
            .collect();
        out.sort();
        Ok(out)
    } else {
        Ok(vec![path.to_owned()])
    }
}

/// The documents of one file, read one at a time: JSON Lines are streamed; a JSON array or a
/// single JSON object is read whole. Unreadable entries come back as errors with their place.
enum Source {
    Lines(
        PathBuf,
        std::iter::Enumerate<std::io::Lines<BufReader<std::fs::File>>>,
    ),
    Items(
        PathBuf,
        std::iter::Enumerate<std::vec::IntoIter<serde_json::Value>>,
    ),
}

impl Source {
    fn open(path: &Path) -> Result<Source, AppError> {
        let bad =
            |e: &dyn std::fmt::Display| AppError::BadUserInput(format!("{}：{e}", path.display()));
        let file = std::fs::File::open(path).map_err(|e| bad(&e))?;
        let mut reader = BufReader::new(file);
        let first = reader
            .fill_buf()
            .map_err(AppError::internal)?
            .iter()
            .copied()
            .find(|b| !b.is_ascii_whitespace());
        let whole =
            first == Some(b'[') || path.extension().and_then(|e| e.to_str()) == Some("json");
        if whole {
            let value: serde_json::Value = serde_json::from_reader(reader).map_err(|e| bad(&e))?;
            let items = match value {
                serde_json::Value::Array(items) => items,
                one => vec![one],
            };
            Ok(Source::Items(
                path.to_owned(),
                items.into_iter().enumerate(),
            ))
        } else {
            Ok(Source::Lines(path.to_owned(), reader.lines().enumerate()))
        }
    }

    fn next(&mut self) -> Option<Result<Line, String>> {
        match self {
            Source::Lines(path, lines) => loop {
                let (i, line) = lines.next()?;
                let at =
                    |e: &dyn std::fmt::Display| format!("{} 第 {} 行：{e}", path.display(), i + 1);
                match line {
                    Err(e) => return Some(Err(at(&e))),
                    Ok(l) if l.trim().is_empty() => continue,
                    Ok(l) => {
                        return Some(
                            serde_json::from_str(&l)
                                .map_err(|e| at(&e))
                                .and_then(|v| document(v).map_err(|e| at(&e))),
                        );
                    }
                }
            },
            Source::Items(path, items) => {
                let (i, v) = items.next()?;
                Some(document(v).map_err(|e| format!("{} 第 {} 项：{e}", path.display(), i + 1)))
            }
        }
    }
}

/// Reads one document: every string passes the request guard (no control characters), and
/// every decimal the strict grammar (the `Decimal` scalar's), as over GraphQL.
fn document(value: serde_json::Value) -> Result<Line, String> {
    crate::graphql::input_guard::check_json(&value)?;
    serde_json::from_value(value).map_err(|e| e.to_string())
}

/// Imports every document under `path`, one transaction each, with a progress bar.
pub async fn import(
    db: &Db,
    path: &Path,
    create_departments: bool,
    progress: bool,
) -> Result<ImportSummary, AppError> {
    let viewer = system();
    let bar = if progress {
        indicatif::ProgressBar::new_spinner()
    } else {
        indicatif::ProgressBar::hidden()
    };
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} {elapsed_precise} 已导入 {pos} 份 ({per_sec}) {msg}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    let mut summary = ImportSummary::default();
    let mut known: HashSet<String> = HashSet::new();
    for file in files(path)? {
        let mut source = Source::open(&file)?;
        while let Some(entry) = source.next() {
            let line = match entry {
                Ok(l) => l,
                Err(message) => {
                    summary.failed += 1;
                    bar.println(format!("跳过：{message}"));
                    bar.inc(1);
                    continue;
                }
            };
            let code = line.document.department_code.clone();
            if create_departments && !known.contains(&code) {
                if department::by_code(db, &code).await?.is_none() {
                    let data = DepartmentData {
                        code: code.clone(),
                        name: code.clone(),
                        parent_code: None,
                        region: None,
                    };
                    if let Err(e) = department::upsert(db, &viewer, data).await? {
                        bar.println(format!("无法创建部门 {code}：{:?}", e));
                    }
                }
                known.insert(code);
            }
            let external_id = line.external_id.clone();
            match exchange::import_one(db, &viewer, line).await? {
                ItemResult::Written(w) => match w.kind {
                    WriteKind::Created => summary.created += 1,
                    WriteKind::Updated => summary.updated += 1,
                    WriteKind::Unchanged => summary.unchanged += 1,
                },
                ItemResult::Refused(errors) => {
                    summary.failed += 1;
                    let messages: Vec<String> = errors
                        .into_iter()
                        .map(|e| format!("{}：{}", e.field.join("."), e.message))
                        .collect();
                    bar.println(format!("{external_id} 被拒绝：{}", messages.join("；")));
                }
            }
            bar.inc(1);
        }
    }
    bar.finish_and_clear();
    Ok(summary)
}

/// Writes every report as JSON Lines.
pub async fn export(db: &Db, out: &mut dyn Write) -> Result<usize, AppError> {
    let lines = exchange::export(db).await?;
    for line in &lines {
        serde_json::to_writer(&mut *out, line).map_err(AppError::internal)?;
        out.write_all(b"\n").map_err(AppError::internal)?;
    }
    out.flush().map_err(AppError::internal)?;
    Ok(lines.len())
}

/// Writes generated documents as JSON Lines.
pub fn generate(
    out: &mut dyn Write,
    reports: usize,
    indicators: usize,
    departments: usize,
    seed: u64,
) -> Result<(), AppError> {
    for line in exchange::generate(reports, indicators, departments, seed) {
        serde_json::to_writer(&mut *out, &line).map_err(AppError::internal)?;
        out.write_all(b"\n").map_err(AppError::internal)?;
    }
    out.flush().map_err(AppError::internal)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]
mod tests {
    //! The import reader never panics: not on arbitrary bytes, not on documents with any leaf
    //! replaced by any value. Everything unreadable or invalid comes back as an error.

    use super::*;
    use proptest::prelude::*;
    use serde_json::Value;

    /// Reads every entry of a file with these bytes; counts documents and errors.
    fn read_all(bytes: &[u8], extension: &str) -> (usize, usize) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(format!("input.{extension}"));
        std::fs::write(&path, bytes).unwrap();
        let Ok(mut source) = Source::open(&path) else {
            return (0, 1);
        };
        let (mut documents, mut errors) = (0, 0);
        while let Some(entry) = source.next() {
            match entry.map(|line| line.document.normalize()) {
                Ok(Ok(_)) => documents += 1,
                _ => errors += 1,
            }
        }
        (documents, errors)
    }

    /// JSON pointers of every leaf of `v`.
    fn leaves(v: &Value, at: String, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => m.iter().for_each(|(k, v)| {
                leaves(
                    v,
                    format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                )
            }),
            Value::Array(a) => a
                .iter()
                .enumerate()
                .for_each(|(i, v)| leaves(v, format!("{at}/{i}"), out)),
            _ => out.push(at),
        }
    }

    fn any_json() -> impl Strategy<Value = Value> {
        prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            "\\PC{0,40}".prop_map(Value::from),
            "-?[0-9]{0,30}(\\.[0-9]{0,12})?".prop_map(Value::from),
            Just(Value::from("9".repeat(400))),
            Just(serde_json::json!({ "x": [1, "二"] })),
            Just(serde_json::json!([])),
        ]
    }

    fn fixture() -> Value {
        serde_json::from_str(crate::reference::FIXTURE).unwrap()
    }

    #[test]
    fn the_fixture_reads_as_one_document() {
        let bytes = serde_json::to_vec(&fixture()).unwrap();
        assert_eq!(read_all(&bytes, "jsonl"), (1, 0));
        assert_eq!(read_all(&bytes, "json"), (1, 0));
    }

    /// A document with a control character in any string, or a decimal outside the grammar, is
    /// refused with its code and place, like over GraphQL.
    #[test]
    fn control_characters_and_loose_decimals_are_refused() {
        let edits: [(&str, Value, &str); 6] = [
            (
                "/document/unitName",
                Value::from("局\u{0}"),
                "INVALID_CHARACTER",
            ),
            (
                "/document/profile/annualTasks/1",
                Value::from("任务\u{1b}"),
                "INVALID_CHARACTER",
            ),
            (
                "/document/declaredScore",
                Value::from("1e2"),
                "INVALID_DECIMAL",
            ),
            (
                "/document/finance/units/0/income/total",
                Value::from("1_000"),
                "INVALID_DECIMAL",
            ),
            (
                "/document/finance/units/0/income/total",
                serde_json::json!(680.54),
                "INVALID_DECIMAL",
            ),
            (
                "/document/finance/units/0/income/other",
                Value::from(f64::NAN.to_string()),
                "INVALID_DECIMAL",
            ),
        ];
        for (pointer, value, code) in edits {
            let mut doc = fixture();
            *doc.pointer_mut(pointer).unwrap() = value.clone();
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("input.jsonl");
            std::fs::write(&path, serde_json::to_vec(&doc).unwrap()).unwrap();
            let mut source = Source::open(&path).unwrap();
            let error = source.next().unwrap().err().unwrap_or_default();
            assert!(error.contains(code), "{pointer} {value}: {error}");
        }
        // Integers as JSON numbers stay accepted, as in the scalar.
        let mut doc = fixture();
        doc["document"]["finance"]["units"][0]["income"]["other"] = serde_json::json!(76);
        assert_eq!(
            read_all(&serde_json::to_vec(&doc).unwrap(), "jsonl"),
            (1, 0)
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2000), json in any::<bool>()) {
            read_all(&bytes, if json { "json" } else { "jsonl" });
        }

        #[test]
        fn arbitrary_lines_never_panic(lines in proptest::collection::vec("\\PC{0,200}", 0..20)) {
            read_all(lines.join("\n").as_bytes(), "jsonl");
        }

        #[test]
        fn documents_with_any_leaf_replaced_never_panic(
            edits in proptest::collection::vec((any::<prop::sample::Index>(), any_json()), 1..8)
        ) {
            let mut doc = fixture();
            let mut paths = Vec::new();
            leaves(&doc, String::new(), &mut paths);
            for (index, value) in edits {
                let path = index.get(&paths);
                if let Some(slot) = doc.pointer_mut(path) {
                    *slot = value;
                }
            }
            let line = serde_json::to_string(&doc).unwrap();
            let (documents, errors) = read_all(line.as_bytes(), "jsonl");
            prop_assert_eq!(documents + errors, 1);
        }
    }
}
