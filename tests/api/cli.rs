//! The command line as an operator meets it: each subcommand shows only its own options, a
//! file that is not reports is refused whole, each refused entry is named with its line, code
//! and message (and written to `--errors-out`), the exit is a plain Chinese line with its code,
//! and export → import into an empty database rebuilds it, departments and profiles included.

use std::path::Path;
use std::process::{Command, Output};

fn jixiao(dir: &Path, db: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .current_dir(dir)
        .args(args)
        .env("JIXIAO_DOTENV", "false")
        .env(
            "DATABASE_URL",
            format!("sqlite://{}?mode=rwc", dir.join(db).display()),
        )
        .env("RUST_LOG", "warn")
        .output()
        .expect("run jixiao")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn each_subcommand_shows_its_own_options() {
    let dir = tempfile::tempdir().expect("dir");
    let import = text(&jixiao(dir.path(), "x.db", &["import", "--help"]).stdout);
    for wanted in ["--create-departments", "--errors-out", "--database-url"] {
        assert!(import.contains(wanted), "{wanted} in: {import}");
    }
    for server_only in ["--max-depth", "--listen", "--cors-origins", "--jwt-secret"] {
        assert!(!import.contains(server_only), "{server_only} in: {import}");
    }
    let token = text(&jixiao(dir.path(), "x.db", &["token", "--help"]).stdout);
    assert!(
        token.contains("--jwt-secret") && !token.contains("--max-depth"),
        "{token}"
    );
    let serve = text(&jixiao(dir.path(), "x.db", &["serve", "--help"]).stdout);
    assert!(
        serve.contains("--max-depth") && serve.contains("--listen"),
        "{serve}"
    );
    // Server options on both sides of `serve` would be two configurations.
    let both = jixiao(dir.path(), "x.db", &["--listen", "127.0.0.1:1", "serve"]);
    assert_eq!(both.status.code(), Some(2), "{}", text(&both.stderr));
    // A subcommand's own flag wins over the environment.
    let other = dir.path().join("other.db");
    let url = format!("sqlite://{}?mode=rwc", other.display());
    let migrated = jixiao(dir.path(), "x.db", &["migrate", "--database-url", &url]);
    assert!(migrated.status.success(), "{}", text(&migrated.stderr));
    assert!(other.exists() && !dir.path().join("x.db").exists());
}

#[test]
fn a_file_that_is_not_reports_is_refused_whole_with_one_plain_message() {
    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(
        dir.path().join("report.txt"),
        "云溪区科技工业和信息化局2019年度部门整体支出绩效自评报告\n一、部门（单位）基本情况\n",
    )
    .expect("write");
    let out = jixiao(dir.path(), "t.db", &["import", "report.txt"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("report.txt 不是报告文件"), "{stderr}");
    assert!(stderr.contains("[BAD_USER_INPUT]"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "one message: {stderr}");
    for debug in ["BadUserInput(", "\u{1b}[", "未导入："] {
        assert!(!stderr.contains(debug), "{debug:?} in {stderr}");
    }
}

#[test]
fn refused_entries_are_named_by_line_code_and_message_and_written_out() {
    let dir = tempfile::tempdir().expect("dir");
    let generated = jixiao(
        dir.path(),
        "t.db",
        &[
            "generate",
            "--reports",
            "3",
            "--indicators",
            "2",
            "--departments",
            "1",
        ],
    );
    let mut lines: Vec<String> = text(&generated.stdout).lines().map(String::from).collect();
    assert_eq!(lines.len(), 3);
    let mut bad: serde_json::Value = serde_json::from_str(&lines[1]).expect("json");
    bad["document"]["declaredScore"] = "九十".into();
    lines[1] = bad.to_string();
    lines.insert(
        0,
        r#"{"department": {"code": "GEN-001", "name": "生成部门一", "parentCode": null, "region": null}}"#
            .into(),
    );
    lines.push("{not json".into());
    std::fs::write(dir.path().join("in.jsonl"), lines.join("\n") + "\n").expect("write");
    let out = jixiao(
        dir.path(),
        "t.db",
        &["import", "in.jsonl", "--errors-out", "refused.jsonl"],
    );
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("in.jsonl 第 3 行（gen-42-000001）：[INVALID_DECIMAL]"),
        "{stderr}"
    );
    assert!(
        stderr.contains("in.jsonl 第 5 行：[INVALID_JSON]"),
        "{stderr}"
    );
    assert!(
        stderr.contains("报告新建 2") && stderr.contains("部门 1"),
        "{stderr}"
    );
    assert!(stderr.contains("2 条未能导入"), "{stderr}");
    let refused: Vec<serde_json::Value> = std::fs::read_to_string(dir.path().join("refused.jsonl"))
        .expect("errors-out")
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(refused.len(), 2);
    assert_eq!(refused[0]["line"], 3);
    assert_eq!(refused[0]["externalId"], "gen-42-000001");
    assert_eq!(refused[0]["code"], "INVALID_DECIMAL");
    assert_eq!(refused[1]["code"], "INVALID_JSON");
    assert_eq!(refused[1]["line"], 5);
    // A write's own refusal carries its userError code and field.
    let mut blank: serde_json::Value = serde_json::from_str(&lines[1]).expect("json");
    blank["document"]["declaredScore"] = "95".into();
    blank["document"]["fiscalYear"] = 1800.into();
    std::fs::write(dir.path().join("year.jsonl"), blank.to_string() + "\n").expect("write");
    let out = jixiao(
        dir.path(),
        "t.db",
        &["import", "year.jsonl", "--errors-out", "y.jsonl"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let y: serde_json::Value = serde_json::from_str(
        std::fs::read_to_string(dir.path().join("y.jsonl"))
            .expect("y")
            .lines()
            .next()
            .expect("a line"),
    )
    .expect("json");
    assert_eq!(y["line"], 1, "{y}");
    assert!(
        y["field"]
            .as_str()
            .is_some_and(|f| f.contains("fiscalYear")),
        "{y}"
    );
    assert!(
        y["code"]
            .as_str()
            .is_some_and(|c| c.chars().all(|c| c.is_ascii_uppercase() || c == '_')),
        "{y}"
    );
}

#[test]
fn export_then_import_into_an_empty_database_rebuilds_departments_profiles_and_reports() {
    let dir = tempfile::tempdir().expect("dir");
    let generated = jixiao(
        dir.path(),
        "a.db",
        &[
            "generate",
            "--reports",
            "4",
            "--indicators",
            "2",
            "--departments",
            "2",
        ],
    );
    std::fs::write(dir.path().join("gen.jsonl"), &generated.stdout).expect("write");
    let first = jixiao(
        dir.path(),
        "a.db",
        &["import", "gen.jsonl", "--create-departments", "--quiet"],
    );
    assert!(first.status.success(), "{}", text(&first.stderr));
    let exported = jixiao(dir.path(), "a.db", &["export", "--out", "a.jsonl"]);
    assert!(exported.status.success(), "{}", text(&exported.stderr));
    let a = std::fs::read_to_string(dir.path().join("a.jsonl")).expect("a");
    assert!(
        a.lines()
            .next()
            .is_some_and(|l| l.starts_with(r#"{"department":"#)),
        "{a}"
    );
    assert!(a.contains(r#"{"scoringProfile":{"code":"NATIONAL""#), "{a}");
    // Into an empty database, without --create-departments.
    let second = jixiao(dir.path(), "b.db", &["import", "a.jsonl", "--quiet"]);
    assert!(second.status.success(), "{}", text(&second.stderr));
    assert!(
        jixiao(dir.path(), "b.db", &["export", "--out", "b.jsonl"])
            .status
            .success()
    );
    let b = std::fs::read_to_string(dir.path().join("b.jsonl")).expect("b");
    assert_eq!(a, b, "the rebuilt database exports the same");
    // Again: nothing changes.
    let again = jixiao(dir.path(), "b.db", &["import", "a.jsonl", "--quiet"]);
    assert!(
        text(&again.stderr).contains("未变 4"),
        "{}",
        text(&again.stderr)
    );
}

#[test]
fn forms_are_read_as_drafts_that_import_takes() {
    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(
        dir.path().join("云溪区科工局2019年自评报告.txt"),
        include_str!("../../data/reference/yunxi-2019-report.txt"),
    )
    .expect("write");
    std::fs::write(dir.path().join("broken.docx"), b"PK\x03\x04not a zip").expect("write");
    let out = jixiao(
        dir.path(),
        "f.db",
        &[
            "import-form",
            "云溪区科工局2019年自评报告.txt",
            "broken.docx",
            "--department",
            "YX-KGJ",
            "--out",
            "drafts.jsonl",
        ],
    );
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "one file failed: {stderr}");
    assert!(stderr.contains("broken.docx：文件无法读取"), "{stderr}");
    assert!(
        stderr.contains("(FORM_UNREADABLE)") || stderr.contains("（FORM_UNREADABLE）"),
        "{stderr}"
    );
    assert!(stderr.contains("读出草稿 1 份"), "{stderr}");
    let drafts = std::fs::read_to_string(dir.path().join("drafts.jsonl")).expect("drafts");
    assert_eq!(drafts.lines().count(), 1, "{drafts}");
    let line: serde_json::Value = serde_json::from_str(drafts.trim()).expect("json");
    assert_eq!(line["externalId"], "云溪区科工局2019年自评报告");
    // The drafts import as they are.
    let imported = jixiao(
        dir.path(),
        "f.db",
        &["import", "drafts.jsonl", "--create-departments", "--quiet"],
    );
    assert!(imported.status.success(), "{}", text(&imported.stderr));
    assert!(
        text(&imported.stderr).contains("新建 1"),
        "{}",
        text(&imported.stderr)
    );
    let exported = jixiao(dir.path(), "f.db", &["export"]);
    let report = text(&exported.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|l| l["externalId"] == "云溪区科工局2019年自评报告")
        .expect("the report");
    let fixture: serde_json::Value =
        serde_json::from_str(include_str!("../../data/reference/yunxi-2019-report.json"))
            .expect("fixture");
    for key in ["title", "unitName", "reportDate", "issuer", "declaredGrade"] {
        assert_eq!(report["document"][key], fixture["document"][key], "{key}");
    }
    assert_eq!(
        report["document"]["indicators"].as_array().map(Vec::len),
        Some(16)
    );
    // `import` given the form itself says what to do instead.
    let wrong = jixiao(
        dir.path(),
        "f.db",
        &["import", "云溪区科工局2019年自评报告.txt"],
    );
    assert!(
        text(&wrong.stderr).contains("jixiao import-form"),
        "{}",
        text(&wrong.stderr)
    );
}

/// Evidence travels with an export: the files go beside the JSON Lines, an import into an empty
/// database puts them back in its store and on the same anchors, and the second export is the
/// same, files included. A file altered in the folder is refused with its entry.
#[tokio::test]
async fn evidence_travels_with_export_and_import() {
    use jixiao::domain::evidence::{Attach, Source};
    let dir = tempfile::tempdir().expect("dir");
    let generated = jixiao(
        dir.path(),
        "a.db",
        &[
            "generate",
            "--reports",
            "2",
            "--indicators",
            "2",
            "--departments",
            "1",
        ],
    );
    std::fs::write(dir.path().join("gen.jsonl"), &generated.stdout).expect("write");
    let first = jixiao(
        dir.path(),
        "a.db",
        &["import", "gen.jsonl", "--create-departments", "--quiet"],
    );
    assert!(first.status.success(), "{}", text(&first.stderr));
    // Attach two files to the first report, as the service would.
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("a.db").display());
    let config = jixiao::config::Config::defaults();
    let store = config.evidence.open(&url).expect("store");
    let db = jixiao::domain::Db::connect(&url)
        .await
        .expect("db")
        .with_evidence(std::sync::Arc::new(store));
    let admin = jixiao::domain::Viewer {
        subject: Some("admin".into()),
        name: Some("管理员".into()),
        roles: vec![jixiao::domain::Role::Admin],
        departments: vec!["*".into()],
    };
    let report = {
        use sea_orm::{EntityTrait, QueryOrder};
        entity::report::Entity::find()
            .order_by_asc(entity::report::Column::Id)
            .one(&db.conn)
            .await
            .expect("read")
            .expect("a report")
    };
    let indicator = {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
        entity::indicator::Entity::find()
            .filter(entity::indicator::Column::ReportId.eq(report.id))
            .order_by_asc(entity::indicator::Column::Ordinal)
            .all(&db.conn)
            .await
            .expect("read")
    }[1]
    .id;
    for (name, anchor) in [
        (
            "验收单.pdf",
            jixiao::domain::comment::Anchor {
                kind: entity::CommentTargetKind::Indicator,
                path: None,
                indicator: Some(indicator),
            },
        ),
        (
            "合同.pdf",
            jixiao::domain::comment::Anchor {
                kind: entity::CommentTargetKind::Report,
                path: None,
                indicator: None,
            },
        ),
    ] {
        jixiao::domain::evidence::attach(
            &db,
            &admin,
            Attach {
                report_id: report.id,
                anchor,
                source: Source::File(crate::states::incoming(name, &crate::states::pdf(name))),
                description: Some(format!("{name} 扫描件")),
                expected_version: None,
            },
        )
        .await
        .expect("attach")
        .expect("attached");
    }
    db.conn.close().await.ok();
    let exported = jixiao(dir.path(), "a.db", &["export", "--out", "a.jsonl"]);
    assert!(exported.status.success(), "{}", text(&exported.stderr));
    let a = std::fs::read_to_string(dir.path().join("a.jsonl")).expect("a");
    assert!(
        a.contains("\"evidence\":[{\"target\":\"INDICATOR\",\"path\":\"indicators.1\""),
        "{a}"
    );
    let files = |folder: &str| {
        let mut names: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir.path().join(folder))
            .expect("folder")
            .map(|e| {
                let e = e.expect("entry");
                (
                    e.file_name().to_string_lossy().into_owned(),
                    std::fs::read(e.path()).expect("file"),
                )
            })
            .collect();
        names.sort();
        names
    };
    assert_eq!(files("a.evidence").len(), 2);
    // Standard output cannot hold the files: said, not dropped.
    let to_stdout = jixiao(dir.path(), "a.db", &["export"]);
    assert!(!to_stdout.status.success());
    assert!(
        text(&to_stdout.stderr).contains("--evidence-dir"),
        "{}",
        text(&to_stdout.stderr)
    );
    // Into an empty database: the same export, files included.
    let second = jixiao(dir.path(), "b.db", &["import", "a.jsonl", "--quiet"]);
    assert!(second.status.success(), "{}", text(&second.stderr));
    let exported = jixiao(dir.path(), "b.db", &["export", "--out", "b.jsonl"]);
    assert!(exported.status.success(), "{}", text(&exported.stderr));
    let b = std::fs::read_to_string(dir.path().join("b.jsonl")).expect("b");
    assert_eq!(a, b, "the rebuilt database exports the same");
    assert_eq!(files("a.evidence"), files("b.evidence"));
    assert!(
        dir.path().join("b-evidence").is_dir(),
        "the store beside b.db"
    );
    // A file altered in the folder is refused with its entry (into a third database).
    let (name, _) = files("a.evidence").remove(0);
    std::fs::write(
        dir.path().join("a.evidence").join(&name),
        b"%PDF-1.4 altered",
    )
    .expect("alter");
    let third = jixiao(dir.path(), "c.db", &["import", "a.jsonl", "--quiet"]);
    assert!(
        text(&third.stderr).contains("DIGEST_MISMATCH"),
        "{}",
        text(&third.stderr)
    );
}
