//! Integration: the change feed under concurrent writers, tombstones, and idempotency keys.

use crate::support::{TestApp, UPSERT, fixture};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

const FEED: &str = "query($after: String, $f: ChangeFilter) { changes(after: $after, first: 100, filter: $f) { pageInfo { endCursor hasNextPage } nodes { cursor id sequence entityType entityId reportId operation version } } }";

/// Reads the feed from `cursor` to its current end; returns the events and the new cursor.
async fn drain(app: &TestApp, token: &str, cursor: &mut Value, filter: Value) -> Vec<Value> {
    let mut events = Vec::new();
    loop {
        let body = app
            .gql(Some(token), FEED, json!({ "after": cursor, "f": filter }))
            .await;
        let page = &body["data"]["changes"];
        assert!(body["errors"].is_null(), "{body}");
        let nodes = page["nodes"].as_array().cloned().unwrap_or_default();
        if !page["pageInfo"]["endCursor"].is_null() {
            *cursor = page["pageInfo"]["endCursor"].clone();
        }
        events.extend(nodes);
        if page["pageInfo"]["hasNextPage"] != true {
            return events;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_reader_of_the_feed_misses_nothing_and_sees_nothing_twice_while_writers_run() {
    let app = Arc::new(TestApp::spawn().await);
    let done = Arc::new(AtomicBool::new(false));
    let reader = {
        let (app, done) = (app.clone(), done.clone());
        tokio::spawn(async move {
            let token = app.token(&["SYNC_CLIENT"], &["*"]);
            let mut cursor = Value::Null;
            let mut seen = Vec::new();
            loop {
                let finished = done.load(Ordering::SeqCst);
                seen.extend(drain(&app, &token, &mut cursor, Value::Null).await);
                if finished {
                    return seen;
                }
                tokio::time::sleep(std::time::Duration::from_millis(3)).await;
            }
        })
    };
    let mut writers = Vec::new();
    for w in 0..4 {
        let app = app.clone();
        writers.push(tokio::spawn(async move {
            for i in 0..8 {
                let id = app.create_report(2024, &format!("写入者{w}-{i}"), Some("80")).await;
                let q = "mutation($i: UpdateReportInput!) { updateReport(input: $i) { userErrors { code } } }";
                app.gql(Some(&app.preparer()), q, json!({ "i": { "id": id, "title": "改" } })).await;
            }
        }));
    }
    for w in writers {
        w.await.expect("writer");
    }
    done.store(true, Ordering::SeqCst);
    let seen = reader.await.expect("reader");
    let sequences: Vec<i64> = seen.iter().filter_map(|e| e["sequence"].as_i64()).collect();
    assert!(
        sequences.windows(2).all(|w| w[0] < w[1]),
        "strictly increasing, no repeats"
    );
    use sea_orm::{EntityTrait, PaginatorTrait};
    let total = entity::change_event::Entity::find()
        .count(&app.db.conn)
        .await
        .expect("count");
    assert_eq!(sequences.len() as u64, total, "every event once");
    assert_eq!(total, 64);
}

#[tokio::test]
async fn deleted_reports_leave_tombstones_and_the_feed_is_scoped() {
    let app = TestApp::spawn().await;
    let id = app.create_report(2024, "将删除", None).await;
    let del =
        "mutation($i: DeleteReportInput!) { deleteReport(input: $i) { userErrors { code } } }";
    app.gql(Some(&app.preparer()), del, json!({ "i": { "id": id } }))
        .await;
    let sync = app.token(&["SYNC_CLIENT"], &["YX-KGJ"]);
    let mut cursor = Value::Null;
    let tombstones = drain(
        &app,
        &sync,
        &mut cursor,
        json!({ "operations": ["DELETE"] }),
    )
    .await;
    assert_eq!(tombstones.len(), 1);
    assert_eq!(tombstones[0]["entityType"], "Report");
    let all = drain(
        &app,
        &sync,
        &mut Value::Null,
        json!({ "departmentCode": "YX-KGJ", "entityTypes": ["Report"] }),
    )
    .await;
    assert_eq!(
        all.iter()
            .map(|e| e["operation"].as_str().unwrap_or(""))
            .collect::<Vec<_>>(),
        ["CREATE", "DELETE"]
    );
    let outsider = app.token(&["SYNC_CLIENT"], &["YX-CZJ"]);
    assert!(
        drain(&app, &outsider, &mut Value::Null, Value::Null)
            .await
            .is_empty()
    );
    let anonymous = app.gql(None, FEED, json!({})).await;
    assert_eq!(anonymous["data"]["changes"]["nodes"], json!([]));
    // Reading on from the end gives nothing new.
    assert!(
        drain(
            &app,
            &sync,
            &mut cursor,
            json!({ "operations": ["DELETE"] })
        )
        .await
        .is_empty()
    );
}

#[tokio::test]
async fn idempotency_keys_replay_the_first_result() {
    let app = TestApp::spawn().await;
    let preparer = app.preparer();
    let create = "mutation($i: CreateReportInput!) { createReport(input: $i) { result report { id version } userErrors { code field } } }";
    let doc = json!({ "departmentCode": "YX-KGJ", "fiscalYear": 2024, "unitName": "幂等局" });
    let first = app
        .gql(
            Some(&preparer),
            create,
            json!({ "i": { "idempotencyKey": "k-1", "document": doc } }),
        )
        .await;
    let again = app
        .gql(
            Some(&preparer),
            create,
            json!({ "i": { "idempotencyKey": "k-1", "document": doc } }),
        )
        .await;
    assert_eq!(
        first["data"]["createReport"]["report"]["id"],
        again["data"]["createReport"]["report"]["id"],
        "{again}"
    );
    assert_eq!(again["data"]["createReport"]["result"], "CREATED");
    assert_eq!(app.report_count().await, 1, "written once");
    let other = app.gql(Some(&preparer), create, json!({ "i": { "idempotencyKey": "k-1", "document": { "departmentCode": "YX-KGJ", "fiscalYear": 2025, "unitName": "幂等局" } } })).await;
    assert_eq!(
        other["data"]["createReport"]["userErrors"][0]["code"], "IDEMPOTENCY_KEY_REUSED",
        "{other}"
    );
    assert_eq!(app.report_count().await, 1);
    // Keys belong to their subject.
    let someone = app.token_for("u-2", "另一人", &["PREPARER"], &["YX-KGJ"]);
    let theirs = app
        .gql(
            Some(&someone),
            create,
            json!({ "i": { "idempotencyKey": "k-1", "document": doc } }),
        )
        .await;
    assert_ne!(
        theirs["data"]["createReport"]["report"]["id"],
        first["data"]["createReport"]["report"]["id"]
    );
    assert_eq!(app.report_count().await, 2);

    // Upsert, sign and comment with keys, each twice.
    let mut input = fixture();
    input["idempotencyKey"] = json!("u-1");
    input["document"]["evaluators"][0]["role"] = json!("GROUP_LEADER");
    input["document"]["evaluators"][0]["subject"] = json!("e-yao");
    let up = app
        .gql(Some(&preparer), UPSERT, json!({ "input": input }))
        .await;
    let up2 = app
        .gql(Some(&preparer), UPSERT, json!({ "input": input }))
        .await;
    assert_eq!(
        up["data"]["upsertReport"]["report"]["id"],
        up2["data"]["upsertReport"]["report"]["id"]
    );
    let id = up["data"]["upsertReport"]["report"]["id"].clone();
    let leader = app.token_for("e-yao", "姚骄阳", &["EVALUATOR"], &["YX-KGJ"]);
    let sign = "mutation($i: SignReportInput!) { signReport(input: $i) { signature { signerName } report { signatures { role } } userErrors { code } } }";
    let s1 = app
        .gql(
            Some(&leader),
            sign,
            json!({ "i": { "reportId": id, "role": "GROUP_LEADER", "idempotencyKey": "s-1" } }),
        )
        .await;
    let s2 = app
        .gql(
            Some(&leader),
            sign,
            json!({ "i": { "reportId": id, "role": "GROUP_LEADER", "idempotencyKey": "s-1" } }),
        )
        .await;
    assert_eq!(
        s2["data"]["signReport"]["signature"]["signerName"], "姚骄阳",
        "{s2}"
    );
    assert_eq!(
        s2["data"]["signReport"]["report"]["signatures"]
            .as_array()
            .map(Vec::len),
        Some(1),
        "{s1}"
    );
    let add = "mutation($i: AddReviewCommentInput!) { addReviewComment(input: $i) { comment { id } userErrors { code } } }";
    let c1 = app
        .gql(
            Some(&preparer),
            add,
            json!({ "i": { "reportId": id, "body": "请核对", "idempotencyKey": "c-1" } }),
        )
        .await;
    let c2 = app
        .gql(
            Some(&preparer),
            add,
            json!({ "i": { "reportId": id, "body": "请核对", "idempotencyKey": "c-1" } }),
        )
        .await;
    assert_eq!(
        c1["data"]["addReviewComment"]["comment"]["id"],
        c2["data"]["addReviewComment"]["comment"]["id"]
    );
    use sea_orm::{EntityTrait, PaginatorTrait};
    assert_eq!(
        entity::review_comment::Entity::find()
            .count(&app.db.conn)
            .await
            .expect("count"),
        1
    );
}

#[tokio::test]
async fn import_writes_each_document_on_its_own() {
    let app = TestApp::spawn().await;
    let q = "mutation($i: ImportReportsInput!) { importReports(input: $i) { created updated unchanged failed results { externalId result report { id } userErrors { code field } } userErrors { code } } }";
    let good = |n: i32| json!({ "externalId": format!("imp-{n}"), "document": { "departmentCode": "YX-KGJ", "fiscalYear": 2024, "unitName": format!("导入单位{n}") } });
    let bad = json!({ "externalId": "imp-bad", "document": { "departmentCode": "YX-KGJ", "fiscalYear": 1800, "unitName": "坏" } });
    let foreign = json!({ "externalId": "imp-foreign", "document": { "departmentCode": "YX-CZJ", "fiscalYear": 2024, "unitName": "外部门" } });
    let docs = json!([good(1), bad, good(2), foreign, good(3)]);
    let sync = app.token(&["SYNC_CLIENT"], &["YX-KGJ"]);
    let r = app
        .gql(
            Some(&sync),
            q,
            json!({ "i": { "documents": docs, "idempotencyKey": "batch-1" } }),
        )
        .await;
    let p = &r["data"]["importReports"];
    assert_eq!(
        (p["created"].clone(), p["failed"].clone()),
        (json!(3), json!(2)),
        "{r}"
    );
    assert_eq!(p["results"][1]["userErrors"][0]["code"], "OUT_OF_RANGE");
    assert_eq!(
        p["results"][1]["userErrors"][0]["field"],
        json!(["document", "fiscalYear"])
    );
    assert_eq!(p["results"][3]["userErrors"][0]["code"], "FORBIDDEN");
    assert_eq!(app.report_count().await, 3);
    // The same batch again under its key: the first results, nothing written.
    let again = app
        .gql(
            Some(&sync),
            q,
            json!({ "i": { "documents": docs, "idempotencyKey": "batch-1" } }),
        )
        .await;
    assert_eq!(again["data"]["importReports"]["created"], 3, "{again}");
    assert_eq!(
        again["data"]["importReports"]["results"][0]["report"]["id"],
        p["results"][0]["report"]["id"]
    );
    // Without a key: upserts make it harmless.
    let plain = app
        .gql(Some(&sync), q, json!({ "i": { "documents": docs } }))
        .await;
    assert_eq!(plain["data"]["importReports"]["unchanged"], 3, "{plain}");
    assert_eq!(app.report_count().await, 3);
    let many: Vec<Value> = (0..501).map(good).collect();
    let too_many = app
        .gql(Some(&sync), q, json!({ "i": { "documents": many } }))
        .await;
    assert_eq!(
        too_many["data"]["importReports"]["userErrors"][0]["code"],
        "OUT_OF_RANGE"
    );
    assert_eq!(app.report_count().await, 3);
}

#[tokio::test]
async fn export_then_import_gives_an_identical_database() {
    let source = TestApp::with_reference().await;
    source.upsert_fixture().await;
    source.create_report(2024, "无外部编号", Some("88")).await;
    // Another department uses the reference report's external ID for a report of its own.
    let mut theirs = fixture();
    theirs["document"]["departmentCode"] = json!("YX");
    theirs["document"]["unitName"] = json!("岳阳市云溪区");
    let admin = source.token(&["ADMIN"], &["*"]);
    let up = source
        .gql(Some(&admin), UPSERT, json!({ "input": theirs }))
        .await;
    assert_eq!(up["data"]["upsertReport"]["result"], "CREATED", "{up}");
    let mut first = Vec::new();
    assert_eq!(
        jixiao::cli::export(&source.db, &mut first, None)
            .await
            .expect("export"),
        3
    );
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("export.jsonl");
    std::fs::write(&file, &first).expect("write");
    let target = TestApp::spawn().await;
    let summary = jixiao::cli::import(&target.db, &file, false, false)
        .await
        .expect("import");
    assert_eq!((summary.created, summary.failed), (3, 0));
    let mut second = Vec::new();
    jixiao::cli::export(&target.db, &mut second, None)
        .await
        .expect("export");
    // The target had a department of its own before; the reports are the same.
    let reports = |bytes: &[u8]| -> Vec<String> {
        String::from_utf8_lossy(bytes)
            .lines()
            .filter(|l| l.starts_with(r#"{"externalId""#))
            .map(String::from)
            .collect()
    };
    assert_eq!(reports(&first).len(), 3);
    assert_eq!(reports(&first), reports(&second));
    let again = jixiao::cli::import(&target.db, &file, false, false)
        .await
        .expect("import");
    assert_eq!(
        again.unchanged, 3,
        "importing the same file again changes nothing"
    );
}

#[tokio::test]
async fn indicators_as_iati_results_and_amounts_as_fiscal_data() {
    let app = TestApp::spawn().await;
    let project: Value =
        serde_json::from_str(include_str!("../fixtures/project-report.json")).expect("project");
    let id = app
        .gql(Some(&app.preparer()), UPSERT, json!({ "input": project }))
        .await["data"]["upsertReport"]["report"]["id"]
        .clone();
    let q = "query($id: ID!) { report(id: $id) { iati { resultType title indicators { title measure ascending unit periodStart periodEnd target { value comment } actual { value comment } } } fiscalData { unit table column phase amount currency factor } } }";
    let body = app.gql(Some(&app.preparer()), q, json!({ "id": id })).await;
    let iati = &body["data"]["report"]["iati"];
    assert_eq!(iati[0]["title"], "产出指标·数量指标", "{body}");
    assert_eq!(iati[0]["resultType"], 1);
    let first = &iati[0]["indicators"][0];
    assert_eq!(first["title"], "支持企业数量");
    assert_eq!(
        (
            first["measure"].clone(),
            first["ascending"].clone(),
            first["unit"].clone()
        ),
        (json!(1), json!(true), json!("家"))
    );
    assert_eq!(
        (first["periodStart"].clone(), first["periodEnd"].clone()),
        (json!("2024-01-01"), json!("2024-12-31"))
    );
    assert_eq!(
        first["target"],
        json!({ "value": "50", "comment": "≥50家" })
    );
    assert_eq!(first["actual"], json!({ "value": "52", "comment": "52家" }));
    let cost = iati
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["title"] == "产出指标·成本指标")
        .expect("cost result");
    assert_eq!(
        (
            cost["indicators"][0]["measure"].clone(),
            cost["indicators"][0]["ascending"].clone()
        ),
        (json!(3), json!(false)),
        "≤ money is descending"
    );
    let outcome = iati
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["title"] == "效益指标·经济效益指标")
        .expect("economic");
    assert_eq!(outcome["resultType"], 2);
    assert_eq!(
        outcome["indicators"][0]["target"]["value"], "15000",
        "1.5亿元 in 万元"
    );
    let fiscal = body["data"]["report"]["fiscalData"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let total = fiscal
        .iter()
        .find(|a| a["unit"] == "年度资金总额" && a["phase"] == "executed")
        .expect("executed total");
    assert_eq!(
        total,
        &json!({ "unit": "年度资金总额", "table": "funding", "column": "amount", "phase": "executed", "amount": "456", "currency": "CNY", "factor": 10000 })
    );
    assert!(
        fiscal
            .iter()
            .any(|a| a["phase"] == "proposed" && a["amount"] == "500")
    );
}

#[tokio::test]
async fn idempotency_keys_expire() {
    let app = TestApp::spawn_with(|c| c.idempotency_ttl_hours = 0).await;
    let create = "mutation($i: CreateReportInput!) { createReport(input: $i) { report { id } } }";
    let input = json!({ "i": { "idempotencyKey": "short-lived", "document": { "departmentCode": "YX-KGJ", "fiscalYear": 2024, "unitName": "过期" } } });
    let first = app.gql(Some(&app.preparer()), create, input.clone()).await;
    let second = app.gql(Some(&app.preparer()), create, input).await;
    assert_ne!(
        first["data"]["createReport"]["report"]["id"],
        second["data"]["createReport"]["report"]["id"],
        "an expired key no longer replays"
    );
    assert_eq!(app.report_count().await, 2);
}

/// `changes` never answers `endCursor: null`: with nothing new it is the cursor sent, or (with
/// none sent) the start of the feed, so a client that stores it never restarts from the top.
#[tokio::test]
async fn the_feed_end_cursor_is_never_null() {
    let app = TestApp::spawn().await;
    let token = app.token(&["SYNC_CLIENT"], &["*"]);
    let page = |after: Value, filter: Value| {
        let app = &app;
        let token = token.clone();
        async move {
            let body = app
                .gql(Some(&token), FEED, json!({ "after": after, "f": filter }))
                .await;
            assert!(body["errors"].is_null(), "{body}");
            body["data"]["changes"].clone()
        }
    };
    // An empty feed: the start cursor.
    let empty = page(Value::Null, Value::Null).await;
    assert_eq!(empty["nodes"], json!([]));
    let start = empty["pageInfo"]["endCursor"].clone();
    assert!(start.is_string(), "{empty}");
    // Anonymous callers (who see no events) get it too.
    let anonymous = app
        .gql(None, "{ changes { pageInfo { endCursor } } }", json!({}))
        .await;
    assert_eq!(anonymous["data"]["changes"]["pageInfo"]["endCursor"], start);
    // Events written later are read from the start cursor.
    app.create_report(2024, "甲单位", None).await;
    app.create_report(2023, "乙单位", None).await;
    let first = page(start.clone(), Value::Null).await;
    assert_eq!(first["nodes"].as_array().map(Vec::len), Some(2), "{first}");
    let end = first["pageInfo"]["endCursor"].clone();
    assert_eq!(end, first["nodes"][1]["cursor"]);
    // Nothing new: the cursor sent comes back, again and again.
    for _ in 0..2 {
        let idle = page(end.clone(), Value::Null).await;
        assert_eq!(idle["nodes"], json!([]));
        assert_eq!(idle["pageInfo"]["endCursor"], end, "{idle}");
        assert_eq!(idle["pageInfo"]["hasNextPage"], false);
    }
    // A filter that matches nothing from the start also keeps a cursor.
    let none = page(Value::Null, json!({ "entityTypes": ["Signature"] })).await;
    assert_eq!(none["pageInfo"]["endCursor"], start, "{none}");
    // And a reader that stored the idle cursor gets exactly the next event.
    app.create_report(2022, "丙单位", None).await;
    let next = page(end, Value::Null).await;
    assert_eq!(next["nodes"].as_array().map(Vec::len), Some(1), "{next}");
    assert_eq!(next["pageInfo"]["endCursor"], next["nodes"][0]["cursor"]);
}

/// Many departments in one call, in order (a parent created earlier in the list may be named),
/// each with its own result; a refused item stops none of the others.
#[tokio::test]
async fn departments_are_upserted_in_bulk() {
    let app = TestApp::spawn().await;
    let admin = app.token(&["ADMIN"], &["*"]);
    let q = "mutation($i: UpsertDepartmentsInput!) { upsertDepartments(input: $i) { results { department { code name parent { code } } userErrors { field code } } } }";
    let mut departments = vec![json!({ "code": "HN", "name": "湖南省" })];
    for n in 1..=60 {
        departments.push(json!({ "code": format!("HN-{n:02}"), "name": format!("湖南省第{n}单位"), "parentCode": "HN" }));
    }
    departments.push(json!({ "code": "BAD", "name": "坏", "parentCode": "NOWHERE" }));
    departments.push(json!({ "code": "HN-61", "name": "最后一个", "parentCode": "HN-60" }));
    let r = app
        .gql(
            Some(&admin),
            q,
            json!({ "i": { "departments": departments } }),
        )
        .await;
    let results = r["data"]["upsertDepartments"]["results"]
        .as_array()
        .unwrap_or_else(|| panic!("{r}"));
    assert_eq!(results.len(), 63);
    assert_eq!(results[1]["department"]["parent"]["code"], "HN", "{r}");
    assert_eq!(results[61]["department"], Value::Null);
    assert_eq!(results[61]["userErrors"][0]["code"], "NOT_FOUND");
    assert_eq!(results[62]["department"]["parent"]["code"], "HN-60");
    let count = app
        .gql(
            Some(&admin),
            "{ departments(first: 100) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(
        count["data"]["departments"]["totalCount"],
        3 + 62,
        "the three of the suite and 62 new: {count}"
    );
    // Over the bound: refused whole, nothing written.
    let many: Vec<Value> = (0..501)
        .map(|n| json!({ "code": format!("X-{n}"), "name": "多" }))
        .collect();
    let r = app
        .gql(Some(&admin), q, json!({ "i": { "departments": many } }))
        .await;
    assert_eq!(
        r["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{r}"
    );
    let again = app
        .gql(
            Some(&admin),
            "{ departments(first: 100) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(again["data"]["departments"]["totalCount"], 3 + 62);
}

/// `documentsJson`: a document whose values do not fit their types is refused alone, with the
/// field, code and a Chinese reason, and the others are written; giving both lists, or
/// neither, is refused whole.
#[tokio::test]
async fn import_documents_as_json_objects_are_refused_one_by_one() {
    let app = TestApp::spawn().await;
    let q = "mutation($i: ImportReportsInput!) { importReports(input: $i) { created failed results { externalId result userErrors { code field message } } userErrors { code field } } }";
    let good = fixture();
    let mut decimal = fixture();
    decimal["externalId"] = json!("坏的小数");
    decimal["document"]["finance"]["units"][0]["income"]["total"] = json!("abc");
    let mut kind = fixture();
    kind["externalId"] = json!("坏的枚举");
    kind["document"]["kind"] = json!("WHOLE_DEPARTMENT");
    let sync = app.token(&["SYNC_CLIENT"], &["YX-KGJ"]);
    let r = app
        .gql(
            Some(&sync),
            q,
            json!({ "i": { "documentsJson": [decimal, good, kind] } }),
        )
        .await;
    let p = &r["data"]["importReports"];
    assert_eq!(
        (p["created"].as_i64(), p["failed"].as_i64()),
        (Some(1), Some(2)),
        "{r}"
    );
    let results = p["results"].as_array().expect("results");
    assert_eq!(results[0]["externalId"], "坏的小数");
    assert_eq!(
        results[0]["userErrors"][0]["code"], "INVALID_DECIMAL",
        "{r}"
    );
    assert_eq!(
        results[0]["userErrors"][0]["field"],
        json!(["document", "finance", "units", "0", "income", "total"]),
        "{r}"
    );
    assert_eq!(results[1]["result"], "CREATED", "{r}");
    assert_eq!(results[2]["userErrors"][0]["code"], "INVALID", "{r}");
    assert_eq!(
        results[2]["userErrors"][0]["field"],
        json!(["document", "kind"]),
        "{r}"
    );
    assert!(
        results[2]["userErrors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("枚举 ReportKind 没有取值 WHOLE_DEPARTMENT")),
        "{r}"
    );
    assert_eq!(app.report_count().await, 1);
    for both_or_neither in [json!({ "documents": [], "documentsJson": [] }), json!({})] {
        let r = app
            .gql(Some(&sync), q, json!({ "i": both_or_neither }))
            .await;
        assert_eq!(
            r["data"]["importReports"]["userErrors"][0]["code"], "INVALID",
            "{r}"
        );
    }
    // Not an object at all: a request error, as for any scalar.
    let r = app
        .gql(
            Some(&sync),
            q,
            json!({ "i": { "documentsJson": ["文本"] } }),
        )
        .await;
    assert_eq!(
        r["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{r}"
    );
}

/// `documentsJson` meets the same bounds as `documents`: at most 500 objects, and an object
/// nested past the value-depth limit is refused before anything runs, never a crash.
#[tokio::test]
async fn import_documents_as_json_are_bounded() {
    let app = TestApp::spawn().await;
    let q = "mutation($i: ImportReportsInput!) { importReports(input: $i) { created failed userErrors { code field } } }";
    let sync = app.token(&["SYNC_CLIENT"], &["YX-KGJ"]);
    let many: Vec<Value> = (0..501)
        .map(|n| json!({ "externalId": format!("x-{n}"), "document": { "departmentCode": "YX-KGJ", "fiscalYear": 2024 } }))
        .collect();
    let r = app
        .gql(Some(&sync), q, json!({ "i": { "documentsJson": many } }))
        .await;
    assert_eq!(
        r["data"]["importReports"]["userErrors"][0]["code"], "OUT_OF_RANGE",
        "{r}"
    );
    let mut deep = json!("底");
    for _ in 0..2000 {
        deep = json!({ "x": deep });
    }
    let response = app
        .client()
        .post(format!("{}/graphql", app.base))
        .bearer_auth(&sync)
        .json(&json!({ "query": q, "variables": { "i": { "documentsJson": [{ "externalId": "deep", "document": deep }] } } }))
        .send()
        .await
        .expect("post");
    assert_eq!(response.status(), reqwest::StatusCode::BAD_REQUEST);
    let r: Value = response.json().await.expect("json");
    assert_eq!(r["errors"][0]["extensions"]["code"], "BAD_REQUEST", "{r}");
    assert_eq!(app.report_count().await, 0);
    // The service is still there.
    let again = app.gql(None, "{ __typename }", json!({})).await;
    assert_eq!(again["data"]["__typename"], "Query");
}
