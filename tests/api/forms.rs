//! The official forms as files: `Report.downloads` and `GET /reports/{id}/form.xlsx`, in the
//! caller's read scope. The workbook is unzipped here and its parts read as text; the layout
//! (cells, rows, formulas, page set-up) is checked by an independent reader, openpyxl, in
//! `tests/forms/check.py` (run by `.ci/run`).

use crate::support::TestApp;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::io::Read;

const DOWNLOADS: &str = "query($id: ID!) { node(id: $id) { ... on Report { contentDigest version
  downloads { format url mediaType fileName } } } }";

/// The shared strings, the first sheet and the custom properties of a workbook.
fn unzip(bytes: &[u8]) -> (String, String, String) {
    (
        part(bytes, "xl/sharedStrings.xml"),
        part(bytes, "xl/worksheets/sheet1.xml"),
        part(bytes, "docProps/custom.xml"),
    )
}

async fn get(app: &TestApp, token: Option<&str>, url: &str) -> reqwest::Response {
    let mut req = app.client().get(format!("{}{url}", app.base));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    req.send().await.expect("request")
}

async fn downloads(app: &TestApp, token: Option<&str>, id: &str) -> Value {
    let r = app.gql(token, DOWNLOADS, json!({ "id": id })).await;
    assert!(r["errors"].is_null(), "{r}");
    r["data"]["node"].clone()
}

async fn code_of(resp: reqwest::Response) -> (StatusCode, String) {
    let status = resp.status();
    let body: Value = resp.json().await.unwrap_or(Value::Null);
    (
        status,
        body["errors"][0]["extensions"]["code"]
            .as_str()
            .unwrap_or("")
            .to_owned(),
    )
}

#[tokio::test]
async fn the_reference_report_downloads_as_its_form_in_the_callers_scope() {
    let app = TestApp::with_reference().await;
    let r = app
        .gql(
            None,
            "{ reports(first: 1) { nodes { id status } } }",
            json!({}),
        )
        .await;
    let id = r["data"]["reports"]["nodes"][0]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    assert_eq!(r["data"]["reports"]["nodes"][0]["status"], "PUBLISHED");
    let admin = app.token(&["ADMIN"], &["*"]);
    let node = downloads(&app, Some(&admin), &id).await;
    let file = &node["downloads"][0];
    assert_eq!(file["format"], "XLSX");
    assert_eq!(
        file["fileName"],
        "岳阳市云溪区科技和工业信息化局-2019-部门整体支出绩效自评报告.xlsx"
    );
    let url = file["url"].as_str().expect("url");

    let resp = get(&app, Some(&admin), url).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(
        resp.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let disposition = resp.headers()["content-disposition"]
        .to_str()
        .expect("ascii");
    assert!(
        disposition.starts_with("attachment; filename=")
            && disposition.contains("filename*=UTF-8''%E5%B2%B3%E9%98%B3"),
        "{disposition}"
    );
    let etag = resp.headers()["etag"].clone();
    let bytes = resp.bytes().await.expect("body");
    let (strings, sheet, custom) = unzip(&bytes);
    for text in [
        "岳阳市云溪区2019年度部门整体支出绩效评价自评报告",
        "岳阳市云溪区科技和工业信息化局",
        "8418758",
        "年度收入情况",
        "产出指标",
        "二、部门（单位）收支情况",
        "年度收入情况（万元）",
        "评价人员",
    ] {
        assert!(
            strings.contains(text),
            "{text} missing from the shared strings"
        );
    }
    let digest = node["contentDigest"].as_str().expect("digest");
    assert!(custom.contains(digest), "the digest is a document property");
    assert!(
        sheet.contains(digest) && sheet.contains("<oddFooter>"),
        "the footer carries the digest"
    );
    assert!(sheet.contains("<f>SUM("), "sums are formulas");
    assert!(sheet.contains("<paperSize") || sheet.contains("paperSize=\"9\""));

    // Unchanged: 304 on the tag.
    let again = app
        .client()
        .get(format!("{}{url}", app.base))
        .bearer_auth(&admin)
        .header("if-none-match", etag.clone())
        .send()
        .await
        .expect("request");
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);

    // Anonymous: the published report, without phone numbers (and another tag).
    let public = get(&app, None, url).await;
    assert_eq!(public.status(), StatusCode::OK);
    assert_ne!(public.headers()["etag"], etag);
    let (strings, _, _) = unzip(&public.bytes().await.expect("body"));
    assert!(strings.contains("岳阳市云溪区科技和工业信息化局"));
    assert!(
        !strings.contains("8418758"),
        "no phone number for anonymous callers"
    );
}

/// One part of a zip file as text.
fn part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let mut text = String::new();
    zip.by_name(name)
        .expect(name)
        .read_to_string(&mut text)
        .expect("utf-8");
    text
}

#[tokio::test]
async fn the_reference_report_downloads_as_its_word_form_in_the_callers_scope() {
    let app = TestApp::with_reference().await;
    let r = app
        .gql(None, "{ reports(first: 1) { nodes { id } } }", json!({}))
        .await;
    let id = r["data"]["reports"]["nodes"][0]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let admin = app.token(&["ADMIN"], &["*"]);
    let node = downloads(&app, Some(&admin), &id).await;
    let file = node["downloads"]
        .as_array()
        .expect("downloads")
        .iter()
        .find(|f| f["format"] == "DOCX")
        .expect("a DOCX download")
        .clone();
    assert_eq!(
        file["fileName"],
        "岳阳市云溪区科技和工业信息化局-2019-部门整体支出绩效自评报告.docx"
    );
    let url = file["url"].as_str().expect("url");
    assert!(url.ends_with("/form.docx"), "{url}");
    let resp = get(&app, Some(&admin), url).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(
        resp.headers()["content-type"],
        file["mediaType"].as_str().expect("type")
    );
    assert_eq!(
        file["mediaType"],
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    );
    let etag = resp.headers()["etag"].clone();
    let bytes = resp.bytes().await.expect("body");
    let document = part(&bytes, "word/document.xml");
    for text in [
        "岳阳市云溪区财政支出绩效评价自评报告",
        "部门(单位)名称：岳阳市云溪区科技和工业信息化局",
        "一、部门（单位）基本概况",
        "8418758",
        "680.54",
        "产出指标",
        "绩效自评综合得分",
        "姚骄阳",
        "五、评价报告综述（文字部分）",
        "（十九）负责区直属企业改制后遗留问题的协调处理和信访维稳工作。",
    ] {
        assert!(document.contains(text), "{text} missing from the Word form");
    }
    let digest = node["contentDigest"].as_str().expect("digest");
    assert!(
        part(&bytes, "word/footer1.xml").contains(digest),
        "footer digest"
    );
    assert!(part(&bytes, "docProps/custom.xml").contains(digest));
    assert!(
        document.contains(r#"<w:pgSz w:w="11906" w:h="16838"/>"#),
        "A4"
    );

    // The XLSX and DOCX of one report carry different tags.
    let xlsx = get(&app, Some(&admin), &url.replace(".docx", ".xlsx")).await;
    assert_ne!(xlsx.headers()["etag"], etag);
    // Anonymous: no phone numbers.
    let public = get(&app, None, url).await;
    assert_eq!(public.status(), StatusCode::OK);
    let document = part(&public.bytes().await.expect("body"), "word/document.xml");
    assert!(document.contains("岳阳市云溪区科技和工业信息化局"));
    assert!(
        !document.contains("8418758"),
        "no phone number for anonymous callers"
    );
}

#[tokio::test]
async fn a_draft_downloads_only_in_scope_and_bad_requests_are_coded() {
    let app = TestApp::with_reference().await;
    let (_, id) = app.upsert_project().await;
    let node = downloads(&app, Some(&app.preparer()), &id).await;
    let url = node["downloads"][0]["url"]
        .as_str()
        .expect("url")
        .to_owned();
    assert_eq!(
        node["downloads"][0]["fileName"],
        "2024年度科技创新专项资金-2024-项目支出绩效自评表.xlsx"
    );
    let formats: Vec<_> = node["downloads"]
        .as_array()
        .expect("downloads")
        .iter()
        .map(|f| f["format"].clone())
        .collect();
    assert_eq!(
        formats,
        [json!("XLSX"), json!("DOCX")],
        "no PDF without a converter"
    );
    assert_eq!(
        code_of(get(&app, Some(&app.preparer()), &url.replace(".xlsx", ".pdf")).await).await,
        (StatusCode::NOT_FOUND, "NOT_FOUND".to_owned())
    );

    let resp = get(&app, Some(&app.preparer()), &url).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let (strings, sheet, _) = unzip(&resp.bytes().await.expect("body"));
    for text in [
        "项目支出绩效自评表",
        "年初预算数",
        "年度资金总额",
        "年度总体目标",
        "总分",
        "自评等级",
    ] {
        assert!(strings.contains(text), "{text} missing");
    }
    assert!(sheet.contains("<f>SUM("), "the funding total is a formula");
    assert!(
        sheet.contains("<mergeCell "),
        "merged cells as on the paper form"
    );

    // Outside the scope: the same 404 as for no report at all.
    assert_eq!(
        code_of(get(&app, None, &url).await).await,
        (StatusCode::NOT_FOUND, "NOT_FOUND".to_owned())
    );
    let elsewhere = app.token(&["AUDITOR"], &["OTHER"]);
    assert_eq!(
        code_of(get(&app, Some(&elsewhere), &url).await).await,
        (StatusCode::NOT_FOUND, "NOT_FOUND".to_owned())
    );
    let missing = url.replace(
        &id,
        "UmVwb3J0OjAxOTAwMDAwLTAwMDAtNzAwMC04MDAwLTAwMDAwMDAwMDAwMA",
    );
    assert_eq!(
        code_of(get(&app, Some(&app.preparer()), &missing).await).await,
        (StatusCode::NOT_FOUND, "NOT_FOUND".to_owned())
    );
    for bad in [
        format!("/reports/{id}/form.exe"),
        "/reports/not-an-id/form.xlsx".to_owned(),
        format!("/reports/{id}/..%2F..%2Fetc%2Fpasswd"),
    ] {
        assert_eq!(
            code_of(get(&app, Some(&app.preparer()), &bad).await).await,
            (StatusCode::NOT_FOUND, "NOT_FOUND".to_owned()),
            "{bad}"
        );
    }
    assert_eq!(
        code_of(get(&app, Some("not-a-token"), &url).await).await,
        (StatusCode::UNAUTHORIZED, "UNAUTHENTICATED".to_owned())
    );
}

/// A stand-in for LibreOffice's `soffice`: the same arguments, a script body.
fn converter(dir: &std::path::Path, name: &str, body: &str) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    let script = format!(
        "#!/bin/sh\nwhile [ $# -gt 0 ]; do case \"$1\" in --outdir) out=\"$2\"; shift 2;; *) input=\"$1\"; shift;; esac; done\n{body}\n"
    );
    std::fs::write(&path, script).expect("write");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    path
}

/// Whether a process with this exact command line runs.
fn running(cmdline: &str) -> bool {
    std::fs::read_dir("/proc")
        .expect("proc")
        .flatten()
        .filter_map(|e| std::fs::read(e.path().join("cmdline")).ok())
        .any(|c| String::from_utf8_lossy(&c).replace('\0', " ").trim() == cmdline)
}

/// A converter that is not there is a configuration error at start, not a 503 on every download.
#[tokio::test]
async fn a_missing_pdf_converter_stops_the_start() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = jixiao::config::Config::defaults();
    config.database_url = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
    config.pdf_converter = Some(dir.path().join("no-such-soffice"));
    match jixiao::build(&config).await {
        Err(e) => assert!(
            e.message().contains("JIXIAO_PDF_CONVERTER"),
            "{}",
            e.message()
        ),
        Ok(_) => panic!("started with a converter that does not exist"),
    }
}

#[tokio::test]
async fn pdf_is_offered_with_a_converter_and_a_stuck_one_is_killed() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Works: writes a PDF made from the workbook it was given.
    let good = converter(
        dir.path(),
        "soffice",
        "printf '%%PDF-1.4 from %s bytes\\n' \"$(wc -c < \"$input\")\" > \"$out/form.pdf\"",
    );
    let app = TestApp::spawn_with(|c| c.pdf_converter = Some(good)).await;
    let (_, id) = app.upsert_project().await;
    let node = downloads(&app, Some(&app.preparer()), &id).await;
    assert_eq!(node["downloads"][2]["format"], "PDF", "{node}");
    let url = node["downloads"][2]["url"]
        .as_str()
        .expect("url")
        .to_owned();
    let resp = get(&app, Some(&app.preparer()), &url).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["content-type"], "application/pdf");
    let body = resp.bytes().await.expect("body");
    assert!(body.starts_with(b"%PDF-1.4 from "), "{body:?}");
    // Nothing left behind.
    let left = std::fs::read_dir(std::env::temp_dir())
        .expect("tmp")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("jixiao-pdf-"))
        .count();
    assert_eq!(left, 0, "temporary directories removed");

    // Stuck: killed at the timeout (its whole process group), and the caller told to retry.
    let stuck = converter(dir.path(), "stuck", "exec sleep 977");
    let app = TestApp::spawn_with(|c| {
        c.pdf_converter = Some(stuck);
        c.pdf_timeout = 1;
    })
    .await;
    let (_, id) = app.upsert_project().await;
    let url = format!("/reports/{id}/form.pdf");
    let started = std::time::Instant::now();
    assert_eq!(
        code_of(get(&app, Some(&app.preparer()), &url).await).await,
        (StatusCode::SERVICE_UNAVAILABLE, "UNAVAILABLE".to_owned())
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert!(!running("sleep 977"), "the stuck converter was killed");

    // Failing, or writing something that is not a PDF: the same coded answer.
    for (name, body) in [
        ("fails", "exit 3"),
        ("not-pdf", "echo hello > \"$out/form.pdf\""),
    ] {
        let program = converter(dir.path(), name, body);
        let app = TestApp::spawn_with(|c| c.pdf_converter = Some(program)).await;
        let (_, id) = app.upsert_project().await;
        assert_eq!(
            code_of(
                get(
                    &app,
                    Some(&app.preparer()),
                    &format!("/reports/{id}/form.pdf")
                )
                .await
            )
            .await,
            (StatusCode::SERVICE_UNAVAILABLE, "UNAVAILABLE".to_owned()),
            "{name}"
        );
    }
}

/// A document text may hold 100,000 characters, a spreadsheet cell 32,767: the form still comes
/// out, a paragraph going on over more rows (nothing lost) and a table cell saying where it is cut.
#[tokio::test]
async fn texts_longer_than_a_cell_still_make_a_form() {
    let app = TestApp::with_reference().await;
    // The department form, which prints the narrative.
    let mut project = crate::support::fixture();
    let body = format!("起{}终", "㐀".repeat(79_998));
    project["externalId"] = json!("long-texts");
    project["document"]["sections"][0]["body"] = json!(body);
    project["document"]["indicators"][0]["target"]["text"] =
        json!(format!("≥1个{}", "长".repeat(40_000)));
    let (strings, _) = filed_form(&app, &project).await;
    assert!(
        strings.contains("起㐀㐀") && strings.contains("㐀㐀终"),
        "both ends of the body"
    );
    assert_eq!(
        strings.matches('㐀').count(),
        79_998,
        "every character of the body"
    );
    assert!(
        strings.contains("超过表格单元格上限"),
        "the cut table cell says so"
    );
}

/// Several reports as one workbook, one sheet each, in the caller's scope; a bad filter is
/// coded, an empty one 404.
#[tokio::test]
async fn matching_reports_download_as_one_workbook() {
    let app = TestApp::with_reference().await;
    app.upsert_project().await;
    let admin = app.token(&["ADMIN"], &["*"]);
    let sheets = |bytes: &[u8]| {
        let zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).expect("zip");
        zip.file_names()
            .filter(|n| {
                n.as_ref()
                    .is_ok_and(|n| n.starts_with("xl/worksheets/sheet"))
            })
            .count()
    };
    let resp = get(
        &app,
        Some(&admin),
        "/reports/forms.xlsx?departmentCode=YX-KGJ",
    )
    .await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(
        sheets(&resp.bytes().await.expect("body")),
        2,
        "the draft and the published report"
    );
    // Anonymous: the published one only.
    let resp = get(&app, None, "/reports/forms.xlsx?departmentCode=YX-KGJ").await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(sheets(&resp.bytes().await.expect("body")), 1);
    let resp = get(
        &app,
        Some(&admin),
        "/reports/forms.xlsx?kind=PROJECT&fiscalYear=2024",
    )
    .await;
    assert_eq!(sheets(&resp.bytes().await.expect("body")), 1);
    for (query, status, code) in [
        ("fiscalYear=1999", StatusCode::NOT_FOUND, "NOT_FOUND"),
        (
            "fiscalYear=twenty",
            StatusCode::BAD_REQUEST,
            "BAD_USER_INPUT",
        ),
        ("status=LOST", StatusCode::BAD_REQUEST, "BAD_USER_INPUT"),
        (
            "departmentCode=YX%00KGJ",
            StatusCode::BAD_REQUEST,
            "BAD_USER_INPUT",
        ),
        ("color=red", StatusCode::BAD_REQUEST, "BAD_USER_INPUT"),
    ] {
        assert_eq!(
            code_of(get(&app, Some(&admin), &format!("/reports/forms.xlsx?{query}")).await).await,
            (status, code.to_owned()),
            "{query}"
        );
    }
    // More than one workbook holds: refused, never cut short.
    let (project, _) = app.upsert_project().await;
    let documents: Vec<Value> = (0..100)
        .map(|i| {
            let mut d = project.clone();
            d["externalId"] = json!(format!("many-{i}"));
            d
        })
        .collect();
    let r = app
        .gql(
            Some(&admin),
            "mutation($i: ImportReportsInput!) { importReports(input: $i) { failed } }",
            json!({ "i": { "documents": documents } }),
        )
        .await;
    assert_eq!(r["data"]["importReports"]["failed"], 0, "{r}");
    assert_eq!(
        code_of(
            get(
                &app,
                Some(&admin),
                "/reports/forms.xlsx?departmentCode=YX-KGJ"
            )
            .await
        )
        .await,
        (StatusCode::BAD_REQUEST, "BAD_USER_INPUT".to_owned())
    );
}

/// Funding rows beyond the national four (基本支出, 项目支出, on some forms) are printed too.
#[tokio::test]
async fn every_funding_row_is_printed() {
    let app = TestApp::with_reference().await;
    let (mut project, _) = app.upsert_project().await;
    project["externalId"] = json!("with-basic");
    project["document"]["funding"]
        .as_array_mut()
        .expect("funding")
        .push(json!({ "line": "BASIC_EXPENDITURE", "executed": "12.5", "weight": "5" }));
    let (strings, sheet) = filed_form(&app, &project).await;
    assert!(strings.contains("基本支出"), "the row's label");
    assert!(sheet.contains("<v>12.5</v>"), "its figure");
}

/// Files `input` (an `upsertReport` input) as the preparer and downloads its form: the shared
/// strings and the sheet.
async fn filed_form(app: &TestApp, input: &Value) -> (String, String) {
    let r = app
        .gql(
            Some(&app.preparer()),
            crate::support::UPSERT,
            json!({ "input": input }),
        )
        .await;
    assert_eq!(r["data"]["upsertReport"]["userErrors"], json!([]), "{r}");
    let id = r["data"]["upsertReport"]["report"]["id"]
        .as_str()
        .expect("id");
    let resp = get(
        app,
        Some(&app.preparer()),
        &format!("/reports/{id}/form.xlsx"),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let (strings, sheet, _) = unzip(&resp.bytes().await.expect("body"));
    (strings, sheet)
}
