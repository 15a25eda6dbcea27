//! Evidence at scale and over time: a large file streamed through the real binary in bounded
//! memory, the official forms' list of evidence, and the retention sweep.

use crate::evidence::{DETACH, attach, blobs, report, sha256, state};
use crate::states::pdf;
use crate::support::TestApp;
use serde_json::{Value, json};

/// A 64 MiB file goes in and comes out streamed: the server's peak memory grows by less than half
/// the file (the real binary, on the configured store; S3 takes it in 5 MiB parts). Seen: about
/// 7 MiB on a local directory, 24 MiB on S3 (moto).
#[tokio::test]
async fn a_large_file_streams_through_in_bounded_memory() {
    use crate::hostile::{memory, start, token};
    let (url, _dir) = crate::support::fresh_database().await;
    let mut config = jixiao::config::Config::defaults();
    let _store = crate::support::fresh_evidence(&mut config);
    let e = &config.evidence;
    let store = e.evidence_store.clone().expect("a store");
    let mut env: Vec<(&str, String)> = vec![
        ("JIXIAO_EVIDENCE_STORE", store),
        (
            "JIXIAO_EVIDENCE_MAX_FILE_BYTES",
            (100 * 1024 * 1024).to_string(),
        ),
    ];
    if let Some(endpoint) = &e.s3_endpoint {
        env.push(("JIXIAO_S3_ENDPOINT", endpoint.clone()));
        env.push(("JIXIAO_S3_ACCESS_KEY_ID", "test".into()));
        env.push(("JIXIAO_S3_SECRET_ACCESS_KEY", "test".into()));
    }
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (server, base) = start(&url, &env, std::process::Stdio::null());
    let client = reqwest::Client::new();
    crate::support::wait_up(&client, &base).await;
    let preparer = token("big", &["PREPARER"], &["YX-KGJ"]);
    let warm = client
        .post(format!("{base}/attachments?fileName=warm.pdf"))
        .bearer_auth(&preparer)
        .body(pdf("warm"))
        .send()
        .await
        .expect("upload");
    assert_eq!(warm.status(), 201);
    let before = memory(server.id(), "VmHWM:");
    let mut big = pdf("big");
    big.resize(64 * 1024 * 1024, b' ');
    let expected = sha256(&big);
    let uploaded = client
        .post(format!("{base}/attachments?fileName=big.pdf"))
        .bearer_auth(&preparer)
        .body(big)
        .send()
        .await
        .expect("upload");
    assert_eq!(uploaded.status(), 201);
    let uploaded: Value = uploaded.json().await.expect("json");
    assert_eq!(uploaded["sha256"], expected.as_str());
    // The uploader reads it back (an upload not attached yet is theirs alone).
    let mut got = client
        .get(format!(
            "{base}/attachments/{}",
            uploaded["id"].as_str().expect("id")
        ))
        .bearer_auth(&preparer)
        .send()
        .await
        .expect("download");
    assert_eq!(got.status(), 200);
    let mut hasher = <sha2::Sha256 as sha2::Digest>::new();
    let mut length = 0;
    while let Some(chunk) = got.chunk().await.expect("chunk") {
        length += chunk.len();
        sha2::Digest::update(&mut hasher, &chunk);
    }
    assert_eq!(length, 64 * 1024 * 1024);
    let found: String = sha2::Digest::finalize(hasher)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(found, expected);
    let grown = memory(server.id(), "VmHWM:").saturating_sub(before);
    eprintln!("peak memory growth for a 64 MiB file: {} KiB", grown / 1024);
    assert!(
        grown < 32 * 1024 * 1024,
        "peak memory grew by {} MiB for a 64 MiB file",
        grown / 1024 / 1024
    );
}

/// The official forms list the evidence: Word and Excel, for both kinds of report.
#[tokio::test]
async fn the_official_forms_list_the_evidence() {
    let app = TestApp::spawn().await;
    let (overall, indicator) = report(&app).await;
    let (_, project) = app.upsert_project().await;
    let vars = |id: &str, target: Value| json!({ "i": { "reportId": id, "file": null, "target": target, "description": "国库集中支付凭证" } });
    let a = attach(
        &app,
        vars(
            &overall,
            json!({ "kind": "INDICATOR", "indicatorId": indicator }),
        ),
        "资金拨付凭证.pdf",
        &pdf("overall"),
    )
    .await;
    assert_eq!(a["userErrors"], json!([]), "{a}");
    let b = attach(
        &app,
        vars(&project, json!(null)),
        "项目验收单.pdf",
        &pdf("project"),
    )
    .await;
    assert_eq!(b["userErrors"], json!([]), "{b}");
    for (id, name) in [(&overall, "资金拨付凭证.pdf"), (&project, "项目验收单.pdf")] {
        for file in ["form.docx", "form.xlsx"] {
            let got = app
                .client()
                .get(format!("{}/reports/{id}/{file}", app.base))
                .bearer_auth(app.preparer())
                .send()
                .await
                .expect("download");
            assert_eq!(got.status(), 200, "{file}");
            let bytes = got.bytes().await.expect("bytes");
            let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).expect("zip");
            let mut text = String::new();
            for i in 0..zip.len() {
                use std::io::Read;
                let mut part = zip.by_index(i).expect("part");
                if part.name().is_ok_and(|n| n.ends_with(".xml")) {
                    part.read_to_string(&mut text).expect("xml");
                }
            }
            for expected in ["佐证材料清单", name, "国库集中支付凭证"] {
                assert!(text.contains(expected), "{file} of {name} lacks {expected}");
            }
            // Read back, the form still gives its report (the list is not content a form
            // carries back: files travel by export).
            use base64::Engine;
            let read = app
                .gql(
                    Some(&app.preparer()),
                    "mutation($i: ReadFormInput!) { readForm(input: $i) { drafts { document } userErrors { code message } } }",
                    json!({ "i": { "departmentCode": "YX-KGJ", "fileName": file, "contentBase64": base64::engine::general_purpose::STANDARD.encode(&bytes) } }),
                )
                .await;
            let drafts = &read["data"]["readForm"]["drafts"];
            assert_eq!(read["data"]["readForm"]["userErrors"], json!([]), "{read}");
            assert_eq!(drafts.as_array().map(Vec::len), Some(1), "{file}: {read}");
        }
    }
}

#[tokio::test]
async fn the_sweep_removes_what_the_retention_no_longer_keeps() {
    let app = TestApp::spawn_with(|c| c.evidence.evidence_retention_hours = 0).await;
    let (id, _) = report(&app).await;
    let kept = attach(
        &app,
        json!({ "i": { "reportId": id, "file": null } }),
        "留.pdf",
        &pdf("keep"),
    )
    .await;
    let gone = attach(
        &app,
        json!({ "i": { "reportId": id, "file": null } }),
        "删.pdf",
        &pdf("drop"),
    )
    .await;
    let r = app
        .gql(
            Some(&app.preparer()),
            DETACH,
            json!({ "i": { "attachmentId": gone["attachment"]["id"] } }),
        )
        .await;
    assert_eq!(r["data"]["detachEvidence"]["userErrors"], json!([]), "{r}");
    let staged = app
        .client()
        .post(format!("{}/attachments?fileName=staged.pdf", app.base))
        .bearer_auth(app.preparer())
        .body(pdf("staged"))
        .send()
        .await
        .expect("upload");
    assert_eq!(staged.status(), 201);
    assert_eq!(blobs(&app).await.len(), 3);
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let evidence = app.db.evidence().expect("store");
    let swept = jixiao::domain::evidence::sweep(&app.db, evidence)
        .await
        .expect("sweep");
    assert_eq!((swept.rows, swept.blobs), (2, 2));
    assert_eq!(blobs(&app).await, vec![sha256(&pdf("keep"))]);
    let s = state(&app, &id).await;
    assert_eq!(s["attachments"][0]["id"], kept["attachment"]["id"]);
    assert_eq!(s["attachments"].as_array().map(Vec::len), Some(1));
}
