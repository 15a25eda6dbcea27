//! Command-line exchange: `jixiao import`, `jixiao export`, `jixiao generate`. They work on the
//! database directly, as a system ADMIN (whoever runs them already holds the database).

use crate::domain::department::{self, DepartmentData};
use crate::domain::report::exchange::{self, ItemResult};
use crate::domain::report::service::WriteKind;
use crate::domain::{Db, Role, Viewer};
use crate::error::AppError;
use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};

pub mod command;
pub mod evidence;
pub mod form;
mod read;
pub mod verify;
use read::Source;
pub use read::{Entry, Failure, Place, ProfileLine};

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
    /// Entries refused or unreadable.
    pub failed: u64,
    /// Departments written or found as they were.
    pub departments: u64,
    /// Scoring profiles written or found as they were.
    pub profiles: u64,
}

impl ImportSummary {
    /// Entries read.
    pub fn total(&self) -> u64 {
        self.created
            + self.updated
            + self.unchanged
            + self.failed
            + self.departments
            + self.profiles
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

/// How `import` runs.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Create departments that do not exist yet (code as name).
    pub create_departments: bool,
    /// Show a progress bar (on a terminal).
    pub progress: bool,
    /// Write each failure as a JSON line to this file.
    pub errors_out: Option<PathBuf>,
    /// Where the evidence files of the documents are (default: `<file>.evidence` beside the
    /// imported file).
    pub evidence_dir: Option<PathBuf>,
}

/// Imports every document under `path`, one transaction each, with a progress bar.
pub async fn import(
    db: &Db,
    path: &Path,
    create_departments: bool,
    progress: bool,
) -> Result<ImportSummary, AppError> {
    let options = ImportOptions {
        create_departments,
        progress,
        ..Default::default()
    };
    import_with(db, path, &options).await
}

/// Imports every document under `path`, one transaction each: each refused document is
/// printed with its place, externalId, code and message (and written to `errors_out`), and the
/// progress bar shows the total and the time left.
pub async fn import_with(
    db: &Db,
    path: &Path,
    options: &ImportOptions,
) -> Result<ImportSummary, AppError> {
    let viewer = system();
    // Every file is opened (and counted) before anything is written: one that is not a
    // report file stops the import before it starts.
    let mut sources = Vec::new();
    let mut total = 0;
    for file in files(path)? {
        let (source, n) = Source::open(&file)?;
        total += n;
        sources.push(source);
    }
    let bar = if options.progress {
        indicatif::ProgressBar::new(total)
    } else {
        indicatif::ProgressBar::hidden()
    };
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{bar:30} {pos}/{len} 份 ({per_sec}，约剩 {eta}) {msg}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let mut errors_out = match &options.errors_out {
        Some(p) => Some(std::io::BufWriter::new(std::fs::File::create(p).map_err(
            |e| AppError::BadUserInput(format!("无法写入 {}：{e}", p.display())),
        )?)),
        None => None,
    };
    let mut report = |failure: Failure| -> Result<(), AppError> {
        // Printed whether or not the bar is drawn (it is not when stderr is not a terminal).
        bar.suspend(|| eprintln!("未导入：{failure}"));
        if let Some(out) = errors_out.as_mut() {
            serde_json::to_writer(&mut *out, &failure).map_err(AppError::internal)?;
            out.write_all(b"\n").map_err(AppError::internal)?;
        }
        Ok(())
    };
    let mut summary = ImportSummary::default();
    let mut known: HashSet<String> = HashSet::new();
    for mut source in sources {
        while let Some((place, entry)) = source.next() {
            let refused = |errors: Vec<crate::domain::FieldError>, id: Option<&str>| {
                errors
                    .into_iter()
                    .map(|e| Failure {
                        place: place.clone(),
                        external_id: id.map(str::to_owned),
                        code: e.code.name(),
                        field: (!e.field.is_empty()).then(|| e.field.join(".")),
                        message: e.message,
                    })
                    .collect::<Vec<_>>()
            };
            let line = match entry {
                Ok(Entry::Report(l)) => *l,
                Ok(Entry::Department(data)) => {
                    let code = data.code.clone();
                    match department::upsert(db, &viewer, data).await? {
                        Ok(_) => summary.departments += 1,
                        Err(errors) => {
                            summary.failed += 1;
                            for f in refused(errors, Some(&code)) {
                                report(f)?;
                            }
                        }
                    }
                    bar.inc(1);
                    continue;
                }
                Ok(Entry::Profile(p)) => {
                    let code = p.code.clone();
                    match profile(db, &viewer, *p).await? {
                        Ok(()) => summary.profiles += 1,
                        Err(errors) => {
                            summary.failed += 1;
                            for f in refused(errors, Some(&code)) {
                                report(f)?;
                            }
                        }
                    }
                    bar.inc(1);
                    continue;
                }
                Err(failure) => {
                    summary.failed += 1;
                    report(failure)?;
                    bar.inc(1);
                    continue;
                }
            };
            let code = line.document.department_code.clone();
            if options.create_departments && !known.contains(&code) {
                if department::by_code(db, &code).await?.is_none() {
                    let data = DepartmentData {
                        code: code.clone(),
                        name: code.clone(),
                        parent_code: None,
                        region: None,
                    };
                    if let Err(errors) = department::upsert(db, &viewer, data).await? {
                        let why: Vec<String> = errors.into_iter().map(|e| e.message).collect();
                        bar.suspend(|| eprintln!("无法创建部门 {code}：{}", why.join("；")));
                    }
                }
                known.insert(code);
            }
            let external_id = line.external_id.clone();
            let dir = options
                .evidence_dir
                .clone()
                .or_else(|| source.path().map(evidence::beside));
            let missing = evidence::read_files(db, &line.document, dir.as_deref()).await?;
            if !missing.is_empty() {
                summary.failed += 1;
                for f in refused(missing, Some(&external_id)) {
                    report(f)?;
                }
                bar.inc(1);
                continue;
            }
            match exchange::import_one(db, &viewer, line).await? {
                ItemResult::Written(w) => match w.kind {
                    WriteKind::Created => summary.created += 1,
                    WriteKind::Updated => summary.updated += 1,
                    WriteKind::Unchanged => summary.unchanged += 1,
                },
                ItemResult::Refused(errors) => {
                    summary.failed += 1;
                    for f in refused(errors, Some(&external_id)) {
                        report(f)?;
                    }
                }
            }
            bar.inc(1);
        }
    }
    if let Some(mut out) = errors_out {
        out.flush().map_err(AppError::internal)?;
    }
    bar.finish_and_clear();
    Ok(summary)
}

/// Writes a scoring profile unless the stored one with its code is the same already.
async fn profile(
    db: &Db,
    viewer: &Viewer,
    line: ProfileLine,
) -> Result<Result<(), Vec<crate::domain::FieldError>>, AppError> {
    use crate::domain::assessment::{profile, service};
    let stored = profile::all(db).await?;
    if stored.iter().any(|p| as_line(p) == line) {
        return Ok(Ok(()));
    }
    let data = service::ProfileData {
        code: line.code,
        name: line.name,
        jurisdiction: line.jurisdiction,
        year_from: line.year_from,
        year_to: line.year_to,
        expected_version: None,
        rules: line.rules,
    };
    Ok(service::upsert_profile(db, viewer, data).await?.map(|_| ()))
}

fn as_line(p: &crate::domain::assessment::profile::Profile) -> ProfileLine {
    ProfileLine {
        code: p.row.code.clone(),
        name: p.row.name.clone(),
        jurisdiction: p.row.jurisdiction.clone(),
        year_from: p.row.year_from,
        year_to: p.row.year_to,
        rules: p.rules.clone(),
    }
}

/// Writes the database as JSON Lines: every department (each after its parent), every scoring
/// profile, then every report — what `import` reads back into an empty database. Returns the
/// number of reports.
pub async fn export(
    db: &Db,
    out: &mut dyn Write,
    evidence_dir: Option<&Path>,
) -> Result<usize, AppError> {
    for d in department::all_parents_first(db).await? {
        json_line(out, &read::Written::Department(&d))?;
    }
    for p in crate::domain::assessment::profile::all(db).await? {
        json_line(out, &read::Written::ScoringProfile(&as_line(&p)))?;
    }
    let lines = exchange::export(db).await?;
    for line in &lines {
        json_line(out, line)?;
    }
    out.flush().map_err(AppError::internal)?;
    let documents = lines.iter().map(|l| &l.document);
    match evidence_dir {
        Some(dir) => {
            evidence::write_files(db, documents, dir).await?;
        }
        None if lines.iter().any(|l| !l.document.evidence.is_empty()) => {
            return Err(AppError::BadUserInput(
                "报告含佐证材料：请用 --out 文件（材料写在其旁的 .evidence 目录）或 --evidence-dir 目录导出".into(),
            ));
        }
        None => {}
    }
    Ok(lines.len())
}

/// Writes one JSON line.
fn json_line(out: &mut dyn Write, value: &impl serde::Serialize) -> Result<(), AppError> {
    serde_json::to_writer(&mut *out, value).map_err(AppError::internal)?;
    out.write_all(b"\n").map_err(AppError::internal)
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
        json_line(out, &line)?;
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
        let Ok((mut source, _)) = Source::open(&path) else {
            return (0, 1);
        };
        let (mut documents, mut errors) = (0, 0);
        while let Some((_, entry)) = source.next() {
            match entry {
                Ok(Entry::Report(line)) if line.document.clone().normalize().is_ok() => {
                    documents += 1
                }
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
            let (mut source, n) = Source::open(&path).unwrap();
            assert_eq!(n, 1);
            let error = source.next().unwrap().1.err().unwrap();
            assert_eq!(error.code, code, "{pointer} {value}: {error}");
            assert_eq!(error.place.line, Some(1));
            assert_eq!(error.external_id.as_deref(), doc["externalId"].as_str());
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
