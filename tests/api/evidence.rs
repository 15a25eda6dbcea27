//! Evidence (佐证材料) through the real HTTP endpoints, on the configured store (a local
//! directory, or the S3-compatible server of `JIXIAO_TEST_S3_URL`): a GraphQL multipart upload
//! and a plain upload, the download with its read scope, names, ETag and ranges; the content
//! digest and signatures; tamper detection at rest; limits and hostile files, each leaving the
//! data and the store as they were; the retention sweep; the change feed.

use crate::states::pdf;
use crate::support::{TestApp, fixture};
use serde_json::{Value, json};

const UPSERT: &str = "mutation($input: UpsertReportInput!) { upsertReport(input: $input) { report { id version contentDigest indicators { id } } userErrors { field code message } } }";
pub(crate) const ATTACH: &str = "mutation($i: AttachEvidenceInput!) { attachEvidence(input: $i) { attachment { id fileName mediaType size sha256 description url uploader { subject } target { kind path indicator { id } } } report { version contentDigest } userErrors { field code message } } }";
pub(crate) const DETACH: &str = "mutation($i: DetachEvidenceInput!) { detachEvidence(input: $i) { attachment { id } report { version contentDigest } userErrors { code message } } }";
const STATE: &str = "query($id: ID!) { report(id: $id) { version contentDigest attachments { id fileName sha256 } indicators { id attachments { id fileName } } sections { key attachments { id } } signatures { role valid } } }";
const VERIFY: &str = "query($id: ID!) { verifyReport(id: $id) { intact allSignaturesValid evidenceIntact evidence { state foundSha256 attachment { fileName sha256 } } signatures { role valid invalidReason } } }";

/// The reference report, with its evaluators' subjects (姚骄阳 leads as `e-yao`): its id and
/// its first indicator's id.
pub(crate) async fn report(app: &TestApp) -> (String, String) {
    let mut input = fixture();
    input["document"]["evaluators"][0]["role"] = json!("GROUP_LEADER");
    input["document"]["evaluators"][0]["subject"] = json!("e-yao");
    let r = app
        .gql(Some(&app.preparer()), UPSERT, json!({ "input": input }))
        .await;
    assert_eq!(r["data"]["upsertReport"]["userErrors"], json!([]), "{r}");
    let report = &r["data"]["upsertReport"]["report"];
    (
        report["id"].as_str().expect("id").to_owned(),
        report["indicators"][0]["id"]
            .as_str()
            .expect("indicator")
            .to_owned(),
    )
}

pub(crate) async fn state(app: &TestApp, id: &str) -> Value {
    let auditor = app.token(&["AUDITOR"], &["YX-KGJ"]);
    let r = app.gql(Some(&auditor), STATE, json!({ "id": id })).await;
    assert!(r["errors"].is_null(), "{r}");
    r["data"]["report"].clone()
}

async fn verify(app: &TestApp, id: &str) -> Value {
    let auditor = app.token(&["AUDITOR"], &["YX-KGJ"]);
    let r = app.gql(Some(&auditor), VERIFY, json!({ "id": id })).await;
    assert!(r["errors"].is_null(), "{r}");
    r["data"]["verifyReport"].clone()
}

/// A GraphQL multipart request (the spec's `operations`, `map` and one file part) as a browser's
/// `FormData` sends it.
pub(crate) async fn multipart(
    app: &TestApp,
    token: Option<&str>,
    variables: Value,
    file: (&str, &str, &[u8]),
) -> (reqwest::StatusCode, Value) {
    let boundary = "----jixiaoBoundary7MA4YWxkTrZu0gW";
    let operations = json!({ "query": ATTACH, "variables": variables });
    let (name, media_type, bytes) = file;
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"operations\"\r\n\r\n{operations}\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"map\"\r\n\r\n{{\"0\": [\"variables.i.file\"]}}\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"0\"; filename=\"{name}\"\r\nContent-Type: {media_type}\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let mut req = app
        .client()
        .post(format!("{}/graphql", app.base))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().await.expect("request");
    let status = resp.status();
    (status, resp.json().await.unwrap_or(Value::Null))
}

/// Attaches `bytes` as `name` through a multipart request; returns the payload.
pub(crate) async fn attach(app: &TestApp, variables: Value, name: &str, bytes: &[u8]) -> Value {
    let (status, body) = multipart(
        app,
        Some(&app.preparer()),
        variables,
        (name, "application/octet-stream", bytes),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(body["errors"].is_null(), "{body}");
    body["data"]["attachEvidence"].clone()
}

/// The blobs in the app's store.
pub(crate) async fn blobs(app: &TestApp) -> Vec<String> {
    let evidence = app.db.evidence().expect("evidence store");
    let mut names: Vec<String> = evidence
        .blobs
        .list()
        .await
        .expect("list")
        .into_iter()
        .map(|(sha, _)| sha)
        .collect();
    names.sort();
    names
}

pub(crate) fn sha256(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[tokio::test]
async fn a_preparer_attaches_evidence_to_an_indicator_and_a_reviewer_downloads_it() {
    let app = TestApp::spawn().await;
    let (id, indicator) = report(&app).await;
    let before = state(&app, &id).await;
    let bytes = pdf("项目资金拨付凭证");
    let name = "2019年 项目资金 拨付凭证（第1批）.pdf";
    let vars = json!({ "i": {
        "reportId": id, "file": null, "description": "925.45万元争资到位凭证",
        "target": { "kind": "INDICATOR", "indicatorId": indicator },
        "expectedVersion": before["version"],
    } });
    let done = attach(&app, vars, name, &bytes).await;
    assert_eq!(done["userErrors"], json!([]), "{done}");
    let a = &done["attachment"];
    assert_eq!(a["fileName"], name);
    assert_eq!(a["mediaType"], "application/pdf");
    assert_eq!(a["size"], bytes.len());
    assert_eq!(a["sha256"], sha256(&bytes));
    assert_eq!(a["target"]["kind"], "INDICATOR");
    assert_eq!(a["target"]["indicator"]["id"], indicator.as_str());
    assert_eq!(a["uploader"]["subject"], "u-test");
    // Evidence is content: the version moved and the digest changed.
    assert_eq!(
        done["report"]["version"],
        before["version"].as_i64().unwrap() + 1
    );
    assert_ne!(done["report"]["contentDigest"], before["contentDigest"]);
    let after = state(&app, &id).await;
    assert_eq!(after["attachments"][0]["id"], a["id"]);
    assert_eq!(after["indicators"][0]["attachments"][0]["fileName"], name);
    assert_eq!(after["indicators"][1]["attachments"], json!([]));
    assert_eq!(after["contentDigest"], done["report"]["contentDigest"]);
    // The same file on the same anchor again changes nothing.
    let again = attach(
        &app,
        json!({ "i": { "reportId": id, "file": null, "target": { "kind": "INDICATOR", "indicatorId": indicator } } }),
        name,
        &bytes,
    )
    .await;
    assert_eq!(again["attachment"]["id"], a["id"]);
    assert_eq!(state(&app, &id).await["version"], after["version"]);

    // A finance reviewer of the department downloads it.
    let url = format!("{}{}", app.base, a["url"].as_str().expect("url"));
    let reviewer = app.token(&["FINANCE_REVIEWER"], &["YX-KGJ"]);
    let got = app
        .client()
        .get(&url)
        .bearer_auth(&reviewer)
        .header("accept-encoding", "gzip, br")
        .send()
        .await
        .expect("download");
    assert_eq!(got.status(), 200);
    let headers = got.headers().clone();
    assert_eq!(headers["content-type"], "application/pdf");
    assert!(headers.get("content-encoding").is_none(), "{headers:?}");
    let etag = format!("\"{}\"", sha256(&bytes));
    assert_eq!(headers["etag"], etag.as_str());
    assert_eq!(headers["accept-ranges"], "bytes");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    let disposition = headers["content-disposition"].to_str().expect("ascii");
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    assert!(
        disposition.contains(&format!("filename*=UTF-8''{encoded}")),
        "{disposition}"
    );
    assert_eq!(got.bytes().await.expect("body").as_ref(), bytes.as_slice());
    // Revalidation and ranges.
    let cached = app
        .client()
        .get(&url)
        .bearer_auth(&reviewer)
        .header("if-none-match", &etag)
        .send()
        .await
        .expect("revalidate");
    assert_eq!(cached.status(), 304);
    let part = app
        .client()
        .get(&url)
        .bearer_auth(&reviewer)
        .header("range", "bytes=0-4")
        .send()
        .await
        .expect("range");
    assert_eq!(part.status(), 206);
    assert_eq!(
        part.headers()["content-range"],
        format!("bytes 0-4/{}", bytes.len()).as_str()
    );
    assert_eq!(part.bytes().await.expect("body").as_ref(), b"%PDF-");
    let beyond = app
        .client()
        .get(&url)
        .bearer_auth(&reviewer)
        .header("range", format!("bytes={}-", bytes.len()))
        .send()
        .await
        .expect("range");
    assert_eq!(beyond.status(), 416);
    // The report is a draft: anonymous callers and other departments do not see it.
    assert_eq!(app.get(a["url"].as_str().expect("url")).await.status(), 404);
    let other = app.token(&["FINANCE_REVIEWER"], &["YX-CZJ"]);
    let hidden = app
        .client()
        .get(&url)
        .bearer_auth(&other)
        .send()
        .await
        .expect("download");
    assert_eq!(hidden.status(), 404);
    // The node look-up answers it too.
    let node = app
        .gql(
            Some(&reviewer),
            "query($id: ID!) { node(id: $id) { ... on Attachment { fileName sha256 report { id } } } }",
            json!({ "id": a["id"] }),
        )
        .await;
    assert_eq!(node["data"]["node"]["fileName"], name, "{node}");
    // The feed carries the attachment.
    let admin = app.token(&["ADMIN"], &["*"]);
    let feed = app
        .gql(
            Some(&admin),
            "{ changes(first: 100) { nodes { operation entityType } } }",
            json!({}),
        )
        .await;
    let ops: Vec<&Value> = feed["data"]["changes"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .filter(|n| n["entityType"] == "Attachment")
        .collect();
    assert_eq!(ops.len(), 1, "{feed}");
    assert_eq!(ops[0]["operation"], "ATTACH");
}

#[tokio::test]
async fn a_plain_upload_is_attached_by_its_id_once_and_only_by_its_uploader() {
    let app = TestApp::spawn().await;
    let (id, _) = report(&app).await;
    let bytes = pdf("统计局年报");
    let uploaded = app
        .client()
        .post(format!(
            "{}/attachments?fileName=%E7%BB%9F%E8%AE%A1%E5%B1%80%E5%B9%B4%E6%8A%A5.pdf",
            app.base
        ))
        .bearer_auth(app.preparer())
        .header("content-type", "application/pdf")
        .body(bytes.clone())
        .send()
        .await
        .expect("upload");
    assert_eq!(uploaded.status(), 201);
    let uploaded: Value = uploaded.json().await.expect("json");
    assert_eq!(uploaded["fileName"], "统计局年报.pdf");
    assert_eq!(uploaded["sha256"], sha256(&bytes));
    // Another subject cannot attach it.
    let someone = app.token_for("someone-else", "李四", &["PREPARER"], &["YX-KGJ"]);
    let r = app
        .gql(
            Some(&someone),
            ATTACH,
            json!({ "i": { "reportId": id, "uploadId": uploaded["id"] } }),
        )
        .await;
    assert_eq!(
        r["data"]["attachEvidence"]["userErrors"][0]["code"], "NOT_FOUND",
        "{r}"
    );
    let r = app
        .gql(
            Some(&app.preparer()),
            ATTACH,
            json!({ "i": { "reportId": id, "uploadId": uploaded["id"], "target": { "kind": "SECTION", "path": "1.1" } } }),
        )
        .await;
    let done = &r["data"]["attachEvidence"];
    assert_eq!(done["userErrors"], json!([]), "{r}");
    assert_eq!(done["attachment"]["id"], uploaded["id"]);
    assert_eq!(done["attachment"]["target"]["path"], "1.1");
    let s = state(&app, &id).await;
    let section = s["sections"]
        .as_array()
        .expect("sections")
        .iter()
        .find(|x| x["key"] == "1.1")
        .expect("section 1.1");
    assert_eq!(section["attachments"][0]["id"], uploaded["id"]);
    // Used once.
    let r = app
        .gql(
            Some(&app.preparer()),
            ATTACH,
            json!({ "i": { "reportId": id, "uploadId": uploaded["id"] } }),
        )
        .await;
    assert_eq!(
        r["data"]["attachEvidence"]["userErrors"][0]["code"], "NOT_FOUND",
        "{r}"
    );
    // Neither or both of file and uploadId: a coded input error.
    let r = app
        .gql(
            Some(&app.preparer()),
            ATTACH,
            json!({ "i": { "reportId": id } }),
        )
        .await;
    assert_eq!(
        r["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{r}"
    );
    // Anonymous and read-only callers cannot upload.
    let anonymous = app
        .client()
        .post(format!("{}/attachments?fileName=a.pdf", app.base))
        .body(bytes.clone())
        .send()
        .await
        .expect("upload");
    assert_eq!(anonymous.status(), 401);
    let auditor = app
        .client()
        .post(format!("{}/attachments?fileName=a.pdf", app.base))
        .bearer_auth(app.token(&["AUDITOR"], &["YX-KGJ"]))
        .body(bytes)
        .send()
        .await
        .expect("upload");
    assert_eq!(auditor.status(), 403);
}

#[tokio::test]
async fn swapping_a_file_invalidates_the_signature_and_verify_finds_blobs_altered_at_rest() {
    let app = TestApp::spawn().await;
    let (id, _) = report(&app).await;
    let first = attach(
        &app,
        json!({ "i": { "reportId": id, "file": null } }),
        "合同.pdf",
        &pdf("原合同"),
    )
    .await;
    assert_eq!(first["userErrors"], json!([]), "{first}");
    let leader = app.token_for("e-yao", "姚骄阳", &["EVALUATOR"], &["YX-KGJ"]);
    let signed = app
        .gql(
            Some(&leader),
            "mutation($i: SignReportInput!) { signReport(input: $i) { userErrors { code message } } }",
            json!({ "i": { "reportId": id, "role": "GROUP_LEADER" } }),
        )
        .await;
    assert_eq!(
        signed["data"]["signReport"]["userErrors"],
        json!([]),
        "{signed}"
    );
    let v = verify(&app, &id).await;
    assert_eq!(v["allSignaturesValid"], true, "{v}");
    assert_eq!(v["evidenceIntact"], true, "{v}");
    assert_eq!(v["evidence"][0]["state"], "INTACT");
    // The file is swapped: detached, and another attached in its place.
    let detached = app
        .gql(
            Some(&app.preparer()),
            DETACH,
            json!({ "i": { "attachmentId": first["attachment"]["id"] } }),
        )
        .await;
    assert_eq!(
        detached["data"]["detachEvidence"]["userErrors"],
        json!([]),
        "{detached}"
    );
    let swapped = pdf("改过的合同");
    let second = attach(
        &app,
        json!({ "i": { "reportId": id, "file": null } }),
        "合同.pdf",
        &swapped,
    )
    .await;
    assert_eq!(second["userErrors"], json!([]), "{second}");
    let v = verify(&app, &id).await;
    assert_eq!(v["intact"], true, "{v}");
    assert_eq!(v["allSignaturesValid"], false, "{v}");
    assert_eq!(
        v["signatures"][0]["invalidReason"], "CONTENT_CHANGED",
        "{v}"
    );
    // The stored bytes are altered behind the service's back.
    let sha = sha256(&swapped);
    let evidence = app.db.evidence().expect("store");
    evidence
        .blobs
        .overwrite(&sha, pdf("篡改"))
        .await
        .expect("overwrite");
    let v = verify(&app, &id).await;
    assert_eq!(v["evidenceIntact"], false, "{v}");
    assert_eq!(v["evidence"][0]["state"], "ALTERED", "{v}");
    assert_eq!(v["evidence"][0]["foundSha256"], sha256(&pdf("篡改")));
    // And removed: verify says so, and the download is a coded error, not a 500.
    evidence.blobs.delete(&sha).await.expect("delete");
    let v = verify(&app, &id).await;
    assert_eq!(v["evidence"][0]["state"], "MISSING", "{v}");
    let got = app
        .client()
        .get(format!(
            "{}{}",
            app.base,
            second["attachment"]["url"].as_str().expect("url")
        ))
        .bearer_auth(app.preparer())
        .send()
        .await
        .expect("download");
    assert_eq!(got.status(), 410);
    let body: Value = got.json().await.expect("json");
    assert_eq!(
        body["errors"][0]["extensions"]["code"],
        "ATTACHMENT_BLOB_MISSING"
    );
}

#[tokio::test]
async fn hostile_files_and_names_are_refused_and_leave_nothing_behind() {
    let app = TestApp::spawn_with(|c| c.evidence.evidence_max_file_bytes = 4096).await;
    let (id, _) = report(&app).await;
    let before = state(&app, &id).await;
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    let long = "长".repeat(1000);
    let cases: Vec<(&str, &str, Vec<u8>, &str)> = vec![
        (
            "程序.pdf",
            "application/pdf",
            b"MZ\x90\0\x03\0\0\0".to_vec(),
            "ATTACHMENT_TYPE_NOT_ALLOWED",
        ),
        (
            "page.html",
            "text/html",
            b"<html><script>alert(1)</script>".to_vec(),
            "ATTACHMENT_TYPE_NOT_ALLOWED",
        ),
        (
            "照片.pdf",
            "application/octet-stream",
            png.clone(),
            "ATTACHMENT_TYPE_MISMATCH",
        ),
        (
            "照片.png",
            "application/pdf",
            png,
            "ATTACHMENT_TYPE_MISMATCH",
        ),
        (
            "大文件.pdf",
            "application/pdf",
            [pdf("x"), vec![b' '; 5000]].concat(),
            "ATTACHMENT_TOO_LARGE",
        ),
        (
            "合同\u{202E}fdp.exe",
            "application/pdf",
            pdf("bidi"),
            "INVALID",
        ),
        (&long, "application/pdf", pdf("long"), "TOO_LONG"),
        ("", "application/pdf", pdf("empty"), "REQUIRED"),
        ("空.pdf", "application/pdf", Vec::new(), "REQUIRED"),
    ];
    for (name, media_type, bytes, code) in &cases {
        let (status, body) = multipart(
            &app,
            Some(&app.preparer()),
            json!({ "i": { "reportId": id, "file": null } }),
            (name, media_type, bytes),
        )
        .await;
        let got = body["data"]["attachEvidence"]["userErrors"][0]["code"]
            .as_str()
            .or(body["errors"][0]["extensions"]["code"].as_str());
        assert_eq!(got, Some(*code), "{name}: {status} {body}");
    }
    // Over the limit on the plain upload too, refused before it is stored.
    let big = app
        .client()
        .post(format!("{}/attachments?fileName=big.pdf", app.base))
        .bearer_auth(app.preparer())
        .body([pdf("x"), vec![b' '; 10_000]].concat())
        .send()
        .await
        .expect("upload");
    assert_eq!(big.status(), 413);
    // A control character in the name (a multipart header cannot carry one at all).
    let control = app
        .client()
        .post(format!("{}/attachments?fileName=a%01b.pdf", app.base))
        .bearer_auth(app.preparer())
        .body(pdf("ctl"))
        .send()
        .await
        .expect("upload");
    assert_eq!(control.status(), 422);
    let body: Value = control.json().await.expect("json");
    assert_eq!(body["errors"][0]["extensions"]["code"], "INVALID", "{body}");
    // A name with folders keeps its last part.
    let kept = attach(
        &app,
        json!({ "i": { "reportId": id, "file": null } }),
        "..\\..\\Windows/验收单.pdf",
        &pdf("folders"),
    )
    .await;
    assert_eq!(kept["attachment"]["fileName"], "验收单.pdf", "{kept}");
    let after = state(&app, &id).await;
    assert_eq!(
        after["version"].as_i64(),
        before["version"].as_i64().map(|v| v + 1),
        "only the good file was written"
    );
    assert_eq!(blobs(&app).await, vec![sha256(&pdf("folders"))]);
    // A multipart request without a token is refused before its body is read (CSRF).
    let (status, body) = multipart(
        &app,
        None,
        json!({ "i": { "reportId": id, "file": null } }),
        ("a.pdf", "application/pdf", &pdf("anon")),
    )
    .await;
    assert_eq!(status, 415, "{body}");
}

#[tokio::test]
async fn an_interrupted_upload_leaves_nothing() {
    use tokio::io::AsyncWriteExt;
    let app = TestApp::spawn().await;
    let (id, _) = report(&app).await;
    let host = app.base.trim_start_matches("http://").to_owned();
    for path in ["/attachments?fileName=a.pdf", "/graphql"] {
        let mut stream = tokio::net::TcpStream::connect(&host)
            .await
            .expect("connect");
        let head = if path == "/graphql" {
            let boundary = "b0undary";
            let operations =
                json!({ "query": ATTACH, "variables": { "i": { "reportId": id, "file": null } } });
            let start = format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"operations\"\r\n\r\n{operations}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"map\"\r\n\r\n{{\"0\": [\"variables.i.file\"]}}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"0\"; filename=\"a.pdf\"\r\n\r\n%PDF-1.4 partial"
            );
            format!(
                "POST {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {}\r\nContent-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: 100000\r\n\r\n{start}",
                app.preparer()
            )
        } else {
            format!(
                "POST {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {}\r\nContent-Length: 100000\r\n\r\n%PDF-1.4 partial",
                app.preparer()
            )
        };
        stream.write_all(head.as_bytes()).await.expect("send");
        stream.flush().await.expect("flush");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        drop(stream);
    }
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(blobs(&app).await, Vec::<String>::new());
    let rows = {
        use sea_orm::{EntityTrait, PaginatorTrait};
        entity::attachment::Entity::find()
            .count(&app.db.conn)
            .await
            .expect("count")
    };
    assert_eq!(rows, 0);
    // And the service still answers.
    assert_eq!(app.get("/healthz").await.status(), 200);
}

#[tokio::test]
async fn limits_per_report_and_edits_that_would_orphan_evidence_are_refused() {
    let app = TestApp::spawn_with(|c| {
        c.evidence.evidence_max_files = 2;
        c.evidence.evidence_max_report_bytes = 600;
    })
    .await;
    let (id, _) = report(&app).await;
    let indicators = state(&app, &id).await["indicators"].clone();
    let last = indicators.as_array().expect("indicators").len() - 1;
    let indicator = indicators[last]["id"].as_str().expect("id").to_owned();
    let on_indicator = json!({ "i": { "reportId": id, "file": null, "target": { "kind": "INDICATOR", "indicatorId": indicator } } });
    let one = attach(&app, on_indicator.clone(), "1.pdf", &pdf("1")).await;
    assert_eq!(one["userErrors"], json!([]), "{one}");
    let two = attach(&app, on_indicator.clone(), "2.pdf", &pdf("2")).await;
    assert_eq!(two["userErrors"], json!([]), "{two}");
    let three = attach(&app, on_indicator, "3.pdf", &pdf("3")).await;
    assert_eq!(
        three["userErrors"][0]["code"], "ATTACHMENT_LIMIT",
        "{three}"
    );
    // Rewriting the document with the same content keeps the version; removing the anchored
    // indicator is refused, and nothing changes.
    let before = state(&app, &id).await;
    let mut input = fixture();
    input["document"]["evaluators"][0]["role"] = json!("GROUP_LEADER");
    input["document"]["evaluators"][0]["subject"] = json!("e-yao");
    let same = app
        .gql(
            Some(&app.preparer()),
            UPSERT,
            json!({ "input": input.clone() }),
        )
        .await;
    assert_eq!(
        same["data"]["upsertReport"]["userErrors"],
        json!([]),
        "{same}"
    );
    assert_eq!(
        same["data"]["upsertReport"]["report"]["version"],
        before["version"]
    );
    assert_eq!(
        same["data"]["upsertReport"]["report"]["contentDigest"],
        before["contentDigest"]
    );
    let mut fewer = input;
    fewer["document"]["indicators"]
        .as_array_mut()
        .expect("indicators")
        .pop();
    let r = app
        .gql(Some(&app.preparer()), UPSERT, json!({ "input": fewer }))
        .await;
    // The last indicator's row (and so its evidence's anchor) would go.
    let errors = &r["data"]["upsertReport"]["userErrors"];
    assert!(
        errors
            .as_array()
            .is_some_and(|e| e.iter().any(|e| e["code"] == "ATTACHMENT_ANCHORED")),
        "{r}"
    );
    assert_eq!(state(&app, &id).await["version"], before["version"]);
}
